// Copies text for the Blazor client. A module file, loaded on demand: the page's CSP allows no inline script.
export async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
    }
    // Plain HTTP to another host has no Clipboard API; the selection-based copy still works there.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try {
        return document.execCommand("copy");
    } finally {
        area.remove();
    }
}
