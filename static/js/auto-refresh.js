// Pages that wait for background work (rendering, sending, importing) carry
// <meta name="mz-refresh" content="N">. Instead of <meta http-equiv="refresh"> (which the
// user cannot stop, WCAG 2.2.1) this reloads the page after N seconds while the tab is
// visible, with a switch the user controls, remembered for the tab in sessionStorage.
// Without JavaScript the page offers the link "Seite aktualisieren".
(function () {
  'use strict';
  var marker = document.querySelector('meta[name="mz-refresh"]');
  var seconds = marker ? Number(marker.getAttribute('content')) : 0;
  if (!(seconds > 0)) return;
  var key = 'mz-auto-refresh';
  var on = true;
  try { on = window.sessionStorage.getItem(key) !== 'off'; } catch (error) { /* storage blocked: stay on */ }
  var timer = null;
  function plan() {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (on && document.visibilityState === 'visible') {
      timer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  }
  var control = document.querySelector('[data-auto-refresh]');
  var box = control ? control.querySelector('input[type="checkbox"]') : null;
  if (box) {
    box.checked = on;
    control.hidden = false;
    box.addEventListener('change', function () {
      on = box.checked;
      try { window.sessionStorage.setItem(key, on ? 'on' : 'off'); } catch (error) { /* not remembered */ }
      plan();
    });
  }
  document.addEventListener('visibilitychange', plan);
  plan();
})();
