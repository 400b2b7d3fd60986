// Passkey ceremonies for the staff pages (sign-in, enrolment, step-up, adding a passkey).
// Progressive enhancement: every page works without this file except the passkey buttons themselves,
// which stay hidden until this script finds a browser that supports WebAuthn.
//
// A button `data-passkey="get|create"` fetches options from `data-options-url` (POST, CSRF header from
// the form's _csrf field), runs navigator.credentials.get/create, writes the JSON result into the hidden
// field named by `data-response-field`, and submits the form. Messages come from the page (translated).
(function () {
  'use strict';

  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function creationOptions(o) {
    var pk = Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      user: Object.assign({}, o.user, { id: toBytes(o.user.id) }),
      excludeCredentials: (o.excludeCredentials || []).map(function (c) {
        return Object.assign({}, c, { id: toBytes(c.id) });
      }),
    });
    delete pk.hints;
    return { publicKey: pk };
  }

  function requestOptions(o) {
    var pk = Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      allowCredentials: (o.allowCredentials || []).map(function (c) {
        return Object.assign({}, c, { id: toBytes(c.id) });
      }),
    });
    delete pk.hints;
    return { publicKey: pk };
  }

  function credentialJson(cred) {
    var r = cred.response;
    var response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) response.userHandle = toB64url(r.userHandle);
    }
    var out = {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: typeof cred.getClientExtensionResults === 'function' ? cred.getClientExtensionResults() : {},
    };
    if (cred.authenticatorAttachment) out.authenticatorAttachment = cred.authenticatorAttachment;
    return JSON.stringify(out);
  }

  function start(button) {
    var form = button.form || button.closest('form');
    if (!form) return;
    var error = form.querySelector('[data-passkey-error]');
    var csrf = form.querySelector('input[name="_csrf"]');
    var field = document.getElementById(button.getAttribute('data-response-field'));
    var mode = button.getAttribute('data-passkey');
    button.addEventListener('click', function () {
      if (error) error.hidden = true;
      button.disabled = true;
      fetch(button.getAttribute('data-options-url'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf ? csrf.value : '' },
        body: '{}',
      })
        .then(function (res) {
          if (!res.ok) throw new Error('options ' + res.status);
          return res.json();
        })
        .then(function (options) {
          return mode === 'create'
            ? navigator.credentials.create(creationOptions(options))
            : navigator.credentials.get(requestOptions(options));
        })
        .then(function (cred) {
          if (!cred) throw new Error('no credential');
          field.value = credentialJson(cred);
          if (typeof form.requestSubmit === 'function') form.requestSubmit();
          else form.submit();
        })
        .catch(function () {
          button.disabled = false;
          if (error) {
            error.textContent = button.getAttribute('data-error-text') || '';
            error.hidden = false;
          }
        });
    });
  }

  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;
  var nojs = document.querySelectorAll('[data-passkey-nojs]');
  for (var i = 0; i < nojs.length; i++) nojs[i].hidden = true;
  var buttons = document.querySelectorAll('button[data-passkey]');
  for (var j = 0; j < buttons.length; j++) {
    buttons[j].hidden = false;
    start(buttons[j]);
  }
})();
