/* Bulk import job page: poll the job's status and show its progress; reload once it has finished. */
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar || !window.fetch) { return; }
  var label = document.getElementById("import-progress-label");
  var url = bar.getAttribute("data-status-url");
  var delay = 800;

  function show(status) {
    if (status.rows_total > 0) {
      bar.max = status.rows_total;
      bar.value = Math.min(status.rows_done, status.rows_total);
    } else {
      bar.removeAttribute("value");  /* indeterminate while the file is read */
    }
    bar.textContent = status.progress;
    if (label) { label.textContent = status.progress; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, delay);
})();
