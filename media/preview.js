// The HTML preview's only script (loaded with a nonce): forwards clicks on links and on the banner's
// buttons ("Load remote content", "Load insecure http content too") to the extension, which asks before
// opening anything and re-renders the page with the wider policy.
(function () {
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const action = target.closest('[data-mi-action]');
    if (action) {
      event.preventDefault();
      vscode.postMessage({ type: action.getAttribute('data-mi-action') });
      return;
    }
    const link = target.closest('[data-href]');
    if (link) {
      event.preventDefault();
      vscode.postMessage({ type: 'openLink', url: link.getAttribute('data-href') });
    }
  }, true);
  document.addEventListener('submit', (event) => event.preventDefault(), true);
  vscode.postMessage({ type: 'ready' });
})();
