// A short beep for a new alert (WebAudio, no audio file), and the page's remembered preferences.
let context;

export function beep(severity) {
    context ??= new (window.AudioContext || window.webkitAudioContext)();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = severity === "critical" ? 880 : severity === "high" ? 740 : 560;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, context.currentTime + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.3);
}

export function getSetting(name) {
    try { return localStorage.getItem("console." + name); } catch { return null; }
}

export function setSetting(name, value) {
    try { localStorage.setItem("console." + name, value); } catch { /* private mode: not remembered */ }
}
