/* Passkeys in the site editor (carter_site/passkeys.py): the sign-in page's "Use a passkey"
   button, and "Add a passkey" on My passkeys. Without JavaScript, or in a browser without
   passkeys, neither button shows and the code from the authenticator app works as before.
   The browser's answer goes into a hidden field of the page's own form, which is then sent as
   usual: the server checks it, with the password, in the same post. */
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
  }

  function toText(buffer) {
    var binary = String.fromCharCode.apply(null, new Uint8Array(buffer));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function askServer(url, form) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    }).then(function (response) {
      if (!response.ok) { throw new Error("The site did not answer."); }
      return response.json();
    });
  }

  function say(box, text) {
    box.textContent = text;
    box.hidden = !text;
  }

  // The button of `box` asks the server for options, lets the browser make the passkey's answer
  // (`ceremony`), writes what `answer` makes of it into the form's field `fieldName` and sends
  // the form; `required` are the fields to fill in first. When the browser gives no answer,
  // `failed` is said beside the button, which has the focus again and can be pressed again.
  function setUp(box, form, required, ceremony, fieldName, answer, failed) {
    var button = box.querySelector("button");
    var status = box.querySelector(".passkey-status");
    button.addEventListener("click", function () {
      say(status, "");
      if (!required.every(function (name) { return form.elements[name].reportValidity(); })) { return; }
      button.disabled = true;
      askServer(box.dataset.optionsUrl, form).then(ceremony).then(function (credential) {
        form.elements[fieldName].value = JSON.stringify({
          id: credential.id,
          rawId: toText(credential.rawId),
          type: credential.type,
          authenticatorAttachment: credential.authenticatorAttachment || null,
          clientExtensionResults: {},
          response: answer(credential.response),
        });
        form.submit();
      }).catch(function () {
        // Disabled while the browser asked, the button lost the keyboard's focus (Tab then
        // left the page): it gets it back, and reads out `failed`, its description.
        button.disabled = false;
        say(status, failed);
        button.focus();
      });
    });
    box.hidden = false;
  }

  function setUpSignIn(box) {
    // The password goes in the same post as the passkey: it is asked for first.
    setUp(box, document.getElementById("login-form"), ["username", "password"], function (options) {
      return navigator.credentials.get({
        publicKey: {
          challenge: toBytes(options.challenge),
          rpId: options.rpId,
          timeout: options.timeout,
          userVerification: options.userVerification,
          allowCredentials: [],
        },
      });
    }, "passkey", function (response) {
      return {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : null,
      };
    }, "No passkey was used: the request was cancelled or timed out. Try again, or enter the code from your authenticator app.");
  }

  function setUpAdding(box) {
    setUp(box, box.closest("form"), ["name", "password"], function (options) {
      return navigator.credentials.create({
        publicKey: {
          challenge: toBytes(options.challenge),
          rp: options.rp,
          user: { id: toBytes(options.user.id), name: options.user.name, displayName: options.user.displayName },
          pubKeyCredParams: options.pubKeyCredParams,
          timeout: options.timeout,
          attestation: options.attestation,
          authenticatorSelection: options.authenticatorSelection,
          excludeCredentials: (options.excludeCredentials || []).map(function (known) {
            return { type: known.type, id: toBytes(known.id) };
          }),
        },
      });
    }, "credential", function (response) {
      return {
        clientDataJSON: toText(response.clientDataJSON),
        attestationObject: toText(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      };
    }, "No passkey was made: the request was cancelled or timed out, or this device has a passkey for your account already. Try again, or use another device.");
    var fallback = document.getElementById("passkey-needs-script");
    if (fallback) { fallback.hidden = true; }
  }

  if (!window.PublicKeyCredential || !navigator.credentials) { return; }
  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) { setUpSignIn(signIn); }
  var adding = document.getElementById("passkey-add");
  if (adding) { setUpAdding(adding); }
})();
