/* The admin's change forms ask before their unsaved changes are lost (docs/editorial-workflow.md,
   "Unsaved changes"). Typing in an article and then clicking History, "Ask for clinical review"
   or any other link left the page, and the typing was gone without a word.

   A form counts as changed when what it would send differs from what it held once the page had
   loaded (every field, an inline row added or deleted, a choice made in a search box), when a
   rich-text editor's content differs from what it loaded (CKEditor's checkDirty()), when the
   editor typed before the page had finished loading, or when the page is the form sent back
   with something to correct (what it holds was never saved). Leaving such a page asks the
   browser's "Leave site?" question; sending the form itself (Save, Save and continue editing,
   Save and add another) does not. Delete is a link to a confirmation page, so it asks too.
   Without JavaScript nothing changes. Loaded by templates/admin/base_site.html on every admin
   page; it acts on change forms only. */
(function () {
  "use strict";

  var form = document.body.classList.contains("change-form") &&
    document.querySelector("#content-main form[method='post']");
  if (!form) { return; }

  var loaded = null; // what the form held once the page had loaded
  var typedEarly = false; // the editor changed something before that
  var submitting = false;
  var sentBack = !!document.querySelector("#content-main .errornote");

  /* Every named field with what it holds. A select lists its options, with those chosen:
     moving a permission between the boxes of a two-box picker changes its options, not its
     choice. A file field gives the names of the chosen files. */
  function state() {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.disabled) { return; }
      var type = field.type;
      if (type === "submit" || type === "button" || type === "reset" || type === "image") { return; }
      var value;
      if (type === "checkbox" || type === "radio") {
        value = field.checked ? "1:" + field.value : "0";
      } else if (type === "file") {
        value = Array.prototype.map.call(field.files || [], function (f) { return f.name; }).join("|");
      } else if (field.tagName === "SELECT") {
        value = Array.prototype.map.call(field.options, function (option) {
          return (option.selected ? "+" : "-") + option.value;
        }).join("|");
      } else {
        value = field.value;
      }
      parts.push(field.name + "=" + value);
    });
    return parts.join("\n");
  }

  function editorsChanged() {
    var editors = window.CKEDITOR && window.CKEDITOR.instances;
    if (!editors) { return false; }
    return Object.keys(editors).some(function (name) {
      var editor = editors[name];
      if (!editor.element || !form.contains(editor.element.$)) { return false; }
      try {
        return editor.status === "ready" && editor.checkDirty();
      } catch (error) {
        return false; // an editor being taken down: what it held is in its field
      }
    });
  }

  function changed() {
    if (sentBack || typedEarly || editorsChanged()) { return true; }
    return loaded !== null && state() !== loaded;
  }

  function noteEarlyChange(event) {
    if (loaded === null && event.isTrusted) { typedEarly = true; }
  }
  form.addEventListener("input", noteEarlyChange, true);
  form.addEventListener("change", noteEarlyChange, true);

  // After the admin's own scripts have set up the page on "load" (the two-box pickers rename
  // their fields then, the calendar buttons appear): what the form holds before any editing.
  window.addEventListener("load", function () {
    window.setTimeout(function () { loaded = state(); }, 0);
  });

  // Bubbling up to the window, after the form's own handlers: a submit one of them stopped
  // does not leave the page, and a change made then must still be asked about.
  window.addEventListener("submit", function (event) {
    if (event.target === form && !event.defaultPrevented) { submitting = true; }
  });
  // Back to this page from the browser's history after sending it: ask again from here.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { submitting = false; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !changed()) { return; }
    event.preventDefault();
    event.returnValue = ""; // older Chromium asks only when this is set
  });
}());
