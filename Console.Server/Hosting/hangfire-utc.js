// Security Console: times on the Hangfire page in the console's one format (issue 14): 24-hour, UTC, marked "UTC",
// as on every other page (Console.Client/Shared/When.cs). Hangfire formats with moment in the viewer's zone and locale
// ('llll', 'l LTS'); this runs after moment and Hangfire's script, before the page starts, and makes every moment
// format in UTC and those formats read "2026-12-02 17:33:05 UTC". Relative times ("3 minutes ago") stay as they are.
(function (moment) {
    if (!moment || !moment.fn || moment.fn.__consoleUtc) {
        return;
    }
    var formats = {
        "llll": "YYYY-MM-DD HH:mm:ss [UTC]",
        "LLLL": "YYYY-MM-DD HH:mm:ss [UTC]",
        "lll": "YYYY-MM-DD HH:mm [UTC]",
        "LLL": "YYYY-MM-DD HH:mm [UTC]",
        "l LTS": "YYYY-MM-DD HH:mm:ss [UTC]",
        "L LTS": "YYYY-MM-DD HH:mm:ss [UTC]",
        "l LT": "YYYY-MM-DD HH:mm [UTC]",
        "L LT": "YYYY-MM-DD HH:mm [UTC]",
        "ll": "YYYY-MM-DD",
        "LL": "YYYY-MM-DD",
        "l": "YYYY-MM-DD",
        "L": "YYYY-MM-DD",
        "LTS": "HH:mm:ss [UTC]",
        "LT": "HH:mm [UTC]"
    };
    var format = moment.fn.format;
    moment.fn.format = function (pattern) {
        var utc = this.isUTC() ? this : this.clone().utc();
        return format.call(utc, Object.prototype.hasOwnProperty.call(formats, pattern) ? formats[pattern] : pattern);
    };
    moment.fn.__consoleUtc = true;
})(window.moment);
