// Thin bridge between the typed Blazor ApexChart component and the apexcharts library (loaded by App.razor).
const charts = new Map();

export function render(element, id, options) {
    destroy(id);
    if (!window.ApexCharts) {
        element.textContent = "Charts could not be loaded.";
        return;
    }
    const chart = new window.ApexCharts(element, options);
    charts.set(id, chart);
    return chart.render();
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
