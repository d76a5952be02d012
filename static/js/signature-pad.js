// Signature drawing on the signing page: mouse, pen and touch through pointer events.
// Without JavaScript the page offers the typed and the uploaded signature only.
(function () {
  'use strict';
  var pad = document.querySelector('[data-signature-pad]');
  if (!pad) return;
  var canvas = pad.querySelector('canvas');
  var output = pad.querySelector('input[name="drawnSignature"]');
  var clear = pad.querySelector('[data-signature-clear]');
  var context = canvas.getContext('2d');
  var radios = document.querySelectorAll('input[name="signatureKind"]');
  var drawing = false;
  var hasInk = false;
  var last = null;

  document.querySelectorAll('[data-needs-script]').forEach(function (element) { element.hidden = false; });

  function showPad() {
    var chosen = document.querySelector('input[name="signatureKind"]:checked');
    pad.hidden = !chosen || chosen.value !== 'drawn';
  }
  radios.forEach(function (radio) { radio.addEventListener('change', showPad); });
  showPad();

  context.lineWidth = 4;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.strokeStyle = '#0b1f4d';

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * (canvas.width / box.width), y: (event.clientY - box.top) * (canvas.height / box.height) };
  }

  canvas.addEventListener('pointerdown', function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
  });
  canvas.addEventListener('pointermove', function (event) {
    if (!drawing) return;
    event.preventDefault();
    var next = point(event);
    context.lineWidth = event.pointerType === 'pen' && event.pressure > 0 ? 2 + event.pressure * 4 : 4;
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
    hasInk = true;
  });
  function finish() {
    if (!drawing) return;
    drawing = false;
    if (hasInk) output.value = canvas.toDataURL('image/png');
  }
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  canvas.addEventListener('pointerleave', finish);

  clear.addEventListener('click', function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    output.value = '';
    hasInk = false;
  });
})();
