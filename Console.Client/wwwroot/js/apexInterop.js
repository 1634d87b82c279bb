// Thin bridge between the typed Blazor ApexChart component and the apexcharts library.
const charts = new Map();

// The library (about 130 KB compressed) is loaded by the first chart, not by every page: most pages draw none, and the
// first screen should not wait for it (bench/RESULTS.md, "First load").
let library;
function loadLibrary() {
    library ??= window.ApexCharts ? Promise.resolve() : new Promise(resolve => {
        const script = document.createElement("script");
        script.src = new URL("../lib/apexcharts/apexcharts.min.js", import.meta.url).href;
        script.onload = resolve;
        script.onerror = () => { library = undefined; resolve(); };
        document.head.appendChild(script);
    });
    return library;
}

export async function render(element, id, options) {
    await loadLibrary();
    destroy(id);
    if (!window.ApexCharts) {
        element.textContent = "Charts could not be loaded.";
        return;
    }
    // The page may have moved on while the library loaded: the chart's element is gone, and there is nothing to draw.
    if (!element?.isConnected) {
        return;
    }
    const chart = new window.ApexCharts(element, options);
    charts.set(id, chart);
    try {
        await chart.render();
    } catch (error) {
        // Removed while drawing (ApexCharts says "Element not found"): not an error of the page the person is on now.
        if (element.isConnected) {
            throw error;
        }
        destroy(id);
    }
}

export function update(id, options) {
    const chart = charts.get(id);
    if (chart) {
        return chart.updateOptions(options, true, true);
    }
}

export function destroy(id) {
    const chart = charts.get(id);
    if (chart) {
        chart.destroy();
        charts.delete(id);
    }
}
