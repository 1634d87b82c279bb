// Starts the console's client (blazor.web.js is loaded with autostart="false"). A page the server draws first (the
// Dashboard, ADR 0095) is painted before the client is fetched: the start waits until the browser reports the page's
// first contentful paint, so that the first paint neither waits on nor shares the wire with the WebAssembly runtime's
// files (ADR 0123). Every other page starts the client at once: it has nothing to show until the client runs.
(() => {
    const start = () => Blazor.start();
    if (document.currentScript?.dataset.start !== 'after-paint') {
        start();
        return;
    }
    // A hidden tab paints nothing, and a browser without paint timing cannot say when it painted: start at once.
    if (document.visibilityState === 'hidden' || !(window.PerformanceObserver?.supportedEntryTypes ?? []).includes('paint')) {
        start();
        return;
    }
    let started = false;
    const once = () => {
        if (!started) {
            started = true;
            observer.disconnect();
            document.removeEventListener('visibilitychange', once);
            start();
        }
    };
    // The paint entry arrives once the frame has been shown (buffered: also if it was shown before this ran).
    const observer = new PerformanceObserver(list => {
        if (list.getEntriesByName('first-contentful-paint').length > 0) {
            once();
        }
    });
    observer.observe({ type: 'paint', buffered: true });
    // Hidden before it painted, or a page that paints nothing contentful: it still gets its client.
    document.addEventListener('visibilitychange', once);
    setTimeout(once, 10_000);
})();
