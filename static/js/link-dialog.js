/* CKEditor's Link dialog, offering only links the site keeps (carter_site/richtext.py,
   ALLOWED_URL_SCHEMES and SMS_ADDRESS). It offered ftp:// and news://, whose links lost their
   address when the text was saved. Its protocol list is now https://, http:// and <other> (for
   an address on this site, /articles/…, or a text message, sms:988); an address of another
   kind typed under <other> is refused by the dialog with what to do instead. Email and phone
   links keep the dialog's own link types. The server decides all the same and names, after the
   save, what it had to drop (richtext.losses_warnings). Loaded by templates/admin/base_site.html;
   settings.CKEDITOR_CONFIGS hides the Target and Advanced tabs, whose settings are not kept. */
(function () {
  "use strict";

  if (!window.CKEDITOR) { return; }

  var KEPT = /^(https?|mailto|tel|sms):/i;
  var SCHEME = /^([a-z][a-z0-9+.\-]*):/i;
  var SMS = /^sms:\+?[\d\s().\-]+(\?body=[^&#]*)?$/i;
  var REFUSED = "The site does not link to %s addresses: the link would lose its address when the " +
    "text is saved. Link to a web page instead (choose https:// and type the rest of its address), " +
    "or use the Link Type list for an email address or a phone number.";
  var BAD_SMS = "A text-message link holds one phone number in digits, with + in front for another " +
    "country, and may add ?body= and the message: sms:988, or sms:+14702841834?body=Hello.";

  window.CKEDITOR.on("dialogDefinition", function (event) {
    if (event.data.name !== "link") { return; }
    var info = event.data.definition.getContents("info");
    var protocol = info && info.get("protocol");
    var url = info && info.get("url");
    if (!protocol || !url) { return; }

    protocol.items = protocol.items.filter(function (item) {
      return item[1] === "" || /^https?:\/\/$/.test(item[1]);
    });
    protocol.items.sort(function (a, b) { return a[1] === "https://" ? -1 : b[1] === "https://" ? 1 : 0; });

    // Typed or pasted "ftp://…" made the dialog choose ftp:// in the list, no longer there, and
    // keep the rest as an address on this site. It stays whole under <other>, to be refused.
    var onKeyUp = url.onKeyUp;
    url.onKeyUp = function () {
      if (/^(ftp|news):\/\//i.test(this.getValue())) {
        this.getDialog().getContentElement("info", "protocol").setValue("");
        return;
      }
      return onKeyUp && onKeyUp.apply(this, arguments);
    };

    var validate = url.validate;
    url.validate = function () {
      var said = validate ? validate.apply(this, arguments) : true;
      var dialog = this.getDialog();
      if (said !== true || dialog.getValueOf("info", "linkType") !== "url") { return said; }
      var address = (dialog.getValueOf("info", "protocol") + this.getValue()).trim();
      var scheme = SCHEME.exec(address);
      if (scheme && !KEPT.test(address)) { return REFUSED.replace("%s", scheme[1].toLowerCase() + ":"); }
      if (/^sms:/i.test(address) && !SMS.test(address)) { return BAD_SMS; }
      return true;
    };
  });
}());
