// Starts the vendored Swagger UI on the API's own OpenAPI document (no inline script: CSP).
(function () {
  var mount = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: mount.dataset.specUrl, domNode: mount, deepLinking: true });
})();
