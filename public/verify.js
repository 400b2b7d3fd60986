// Camera scanning for the municipal ID verify page (/verify). Progressive enhancement: the page works without
// this file (paste the text or upload a photo); the camera section stays hidden unless this script finds a
// browser with a camera API. The QR decoder (jsQR) is served from our own origin and loaded only when the
// person starts the camera, so the page stays light on a slow connection. A QR code found is put into the
// paste form and submitted: the server does the checking. Messages come from the page (translated).
(function () {
  'use strict';

  var section = document.getElementById('verify-camera');
  var form = document.getElementById('verify-text-form');
  var field = document.getElementById('field-text');
  if (!section || !form || !field) return;
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') return;

  var start = document.getElementById('verify-camera-start');
  var stop = document.getElementById('verify-camera-stop');
  var status = document.getElementById('verify-camera-status');
  var video = document.getElementById('verify-camera-video');
  var canvas = document.createElement('canvas');
  var context = canvas.getContext('2d', { willReadFrequently: true });
  var stream = null;
  var scanning = false;
  var decoderLoading = null;

  section.hidden = false;

  function say(key) {
    status.textContent = section.getAttribute('data-msg-' + key) || '';
  }

  function loadDecoder() {
    if (typeof window.jsQR === 'function') return Promise.resolve(window.jsQR);
    if (decoderLoading) return decoderLoading;
    decoderLoading = new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = '/assets/vendor/jsqr.js';
      script.onload = function () {
        if (typeof window.jsQR === 'function') resolve(window.jsQR);
        else reject(new Error('jsQR did not load'));
      };
      script.onerror = function () {
        decoderLoading = null;
        reject(new Error('jsQR did not load'));
      };
      document.head.appendChild(script);
    });
    return decoderLoading;
  }

  function stopCamera() {
    scanning = false;
    if (stream) {
      stream.getTracks().forEach(function (t) {
        t.stop();
      });
    }
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function scan(decode) {
    if (!scanning) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      // Scan a scaled-down frame: enough pixels for a card's QR code, and fast on a phone.
      var scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var frame = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = decode(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
      if (code && typeof code.data === 'string' && code.data.indexOf('shc:/') === 0) {
        say('found');
        stopCamera();
        field.value = code.data;
        form.submit();
        return;
      }
    }
    window.requestAnimationFrame(function () {
      scan(decode);
    });
  }

  start.addEventListener('click', function () {
    say('starting');
    Promise.all([loadDecoder(), navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })])
      .then(function (results) {
        stream = results[1];
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        stop.hidden = false;
        scanning = true;
        return video.play().then(function () {
          say('scanning');
          scan(results[0]);
        });
      })
      .catch(function () {
        stopCamera();
        say('denied');
      });
  });

  stop.addEventListener('click', function () {
    stopCamera();
    status.textContent = '';
  });
})();
