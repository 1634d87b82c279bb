// Starts the console's client (blazor.web.js is loaded with autostart="false"). A page the server draws first (the
// Dashboard, ADR 0095) is painted before the client is fetched: the start waits for the page's own files and the frame
// after them, so that the first paint neither waits on nor shares the wire with the WebAssembly runtime's files
// (ADR 0123). Every other page starts the client at once: it has nothing to show until the client runs.
(() => {
    const start = () => Blazor.start();
    if (document.currentScript?.dataset.start !== 'after-paint') {
        start();
        return;
    }
    // A hidden tab paints nothing and runs no animation frames: start it at once.
    const afterPaint = () => document.visibilityState === 'hidden' ? start() : requestAnimationFrame(() => setTimeout(start, 0));
    if (document.readyState === 'complete') {
        afterPaint();
    } else {
        window.addEventListener('load', afterPaint, { once: true });
    }
})();
