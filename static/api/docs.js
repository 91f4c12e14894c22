// Starts Swagger UI on the API's own OpenAPI document; kept out of the page because the
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  var specUrl = element.getAttribute("data-spec-url");
  if (!specUrl) {
    element.textContent = "Sign in to read the API description here, or fetch " +
      "/api/v1/openapi.json with your API token (Authorization: Bearer dlg_t_...).";
    return;
  }
  window.ui = SwaggerUIBundle({
    url: specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
