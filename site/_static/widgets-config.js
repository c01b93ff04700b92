// The widgets' HTML manager (vendored from npm by make site) lives in _static/vendor/html-manager/ with its fonts.
// Its modules find their fonts beside the URL RequireJS gives them: point their names there, on this site.
(function () {
  const folder = new URL("vendor/html-manager", document.currentScript.src).href;
  window.__jupyter_widgets_assets_path__ = folder + "/";
  window.requirejs.config({ paths: { "@jupyter-widgets/html-manager/dist": folder, "@jupyter-widgets": folder } });
})();
