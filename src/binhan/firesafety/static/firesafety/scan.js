// Scan an equipment code (QR or barcode on the extinguisher's label) into the serial field with the phone's
// camera, where the browser offers BarcodeDetector; elsewhere the button stays hidden and the field is typed.
(function () {
  "use strict";
  const field = document.querySelector("input[data-scan]");
  if (!field || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button-secondary";
  button.textContent = field.dataset.scanLabel || "Scan";
  const video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.hidden = true;
  video.className = "fs-scan-video";
  field.insertAdjacentElement("afterend", video);
  field.insertAdjacentElement("afterend", button);
  let stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = field.dataset.scanLabel || "Scan";
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    const detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      button.textContent = field.dataset.stopLabel || "Stop";
      video.play();
      function look() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          if (codes.length) { field.value = codes[0].rawValue.slice(0, 60); stop(); field.focus(); return; }
          window.setTimeout(look, 300);
        }).catch(function () { window.setTimeout(look, 500); });
      }
      look();
    }).catch(stop);
  });
})();
