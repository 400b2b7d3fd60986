// Progressive enhancement of the public "now serving" display (/appointments/sites/<id>/now-serving): every
// N seconds, fetch the same page and swap in the ticket numbers. Without JavaScript the page still works
// (a "Refresh" link). No inline script: CSP allows scripts from this origin only.
(function () {
  'use strict';
  var region = document.getElementById('now-serving');
  if (!region || typeof fetch !== 'function' || typeof DOMParser !== 'function') return;
  var seconds = Number(region.getAttribute('data-refresh-seconds')) || 15;
  function refresh() {
    fetch(window.location.pathname, { headers: { accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('now-serving');
        if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      })
      .catch(function () {
        // Offline for a moment: try again at the next tick.
      });
  }
  window.setInterval(refresh, seconds * 1000);
})();
