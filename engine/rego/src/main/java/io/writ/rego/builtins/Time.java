package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneRules;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Built-ins: time — {@code time.now_ns}, {@code time.parse_ns}, {@code time.parse_rfc3339_ns},
 * {@code time.parse_duration_ns}, {@code time.format}, {@code time.date}, {@code time.clock},
 * {@code time.weekday}, {@code time.add_date} and {@code time.diff}.
 *
 * <p>Times are nanoseconds since the Unix epoch, which must fit a signed 64-bit integer. Functions
 * that take a time accept either that number (read in UTC) or an array {@code [ns, zone]} with an
 * IANA zone name ("" and "UTC" mean UTC, "Local" the JVM's default zone); {@code time.format} also
 * takes {@code [ns, zone, layout]}. Layouts and durations follow Go's {@code time} package, which
 * OPA uses: layouts are written as the reference time "Mon Jan 2 15:04:05 MST 2006", and the
 * error messages are Go's. Zone data comes from the JDK; zone abbreviations (layout "MST") are the
 * JDK's US English short names, with numeric ones in tzdata's style ("+0530").
 */
final class Time {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final String TIME_ARG = "either number (ns) or [number (ns), string (tz)]";
    private static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
    private static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";

    /** Layout names OPA accepts in place of a layout. */
    private static final Map<String, String> NAMED_LAYOUTS = Map.of(
            "ANSIC", "Mon Jan _2 15:04:05 2006",
            "UnixDate", "Mon Jan _2 15:04:05 MST 2006",
            "RubyDate", "Mon Jan 02 15:04:05 -0700 2006",
            "RFC822", "02 Jan 06 15:04 MST",
            "RFC822Z", "02 Jan 06 15:04 -0700",
            "RFC850", "Monday, 02-Jan-06 15:04:05 MST",
            "RFC1123", "Mon, 02 Jan 2006 15:04:05 MST",
            "RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700",
            "RFC3339", RFC3339,
            "RFC3339Nano", RFC3339_NANO);

    /** Zone names Go's tz database has but the JDK's lacks, mapped to the zones they link to. */
    private static final Map<String, String> ZONE_LINKS = Map.of(
            "EST", "America/Panama", "MST", "America/Phoenix", "HST", "Pacific/Honolulu", "ROC", "Asia/Taipei");
    private static final Set<String> ZONE_IDS = ZoneId.getAvailableZoneIds();
    private static final DateTimeFormatter ZONE_ABBREVIATION = DateTimeFormatter.ofPattern("zzz", Locale.US);

    private static final String[] LONG_DAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    private static final String[] SHORT_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    private static final String[] LONG_MONTHS = {"January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December"};
    private static final String[] SHORT_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    /** Days before each month (and the year's total) in a non-leap year. */
    private static final int[] DAYS_BEFORE = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

    private Time() {
    }

    static void register(Registry.Builder r) {
        r.nondeterministic("time.now_ns", 0, (ctx, args) -> NumberValue.of(ctx.nowNanos()));
        r.fn("time.parse_ns", 2, (ctx, args) -> {
            String layout = Args.string("time.parse_ns", args, 0);
            String value = Args.string("time.parse_ns", args, 1);
            return parse("time.parse_ns", NAMED_LAYOUTS.getOrDefault(layout, layout), value);
        });
        r.fn("time.parse_rfc3339_ns", 1, (ctx, args) -> {
            String text = Args.string("time.parse_rfc3339_ns", args, 0);
            Value fast = rfc3339Fast(text);
            return fast != null ? fast : parse("time.parse_rfc3339_ns", RFC3339, text);
        });
        r.fn("time.parse_duration_ns", 1, (ctx, args) ->
                NumberValue.of(parseDuration(Args.string("time.parse_duration_ns", args, 0))));
        r.fn("time.format", 1, (ctx, args) -> {
            Moment m = moment("time.format", args[0]);
            String layout = m.layout.isEmpty() ? RFC3339_NANO : NAMED_LAYOUTS.getOrDefault(m.layout, m.layout);
            return StringValue.of(format(m.time, layout));
        });
        r.fn("time.date", 1, (ctx, args) -> {
            ZonedDateTime t = moment("time.date", args[0]).time;
            return ints(t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        });
        r.fn("time.clock", 1, (ctx, args) -> {
            ZonedDateTime t = moment("time.clock", args[0]).time;
            return ints(t.getHour(), t.getMinute(), t.getSecond());
        });
        r.fn("time.weekday", 1, (ctx, args) ->
                StringValue.of(LONG_DAYS[weekday(moment("time.weekday", args[0]).time)]));
        r.fn("time.add_date", 4, (ctx, args) -> addDate(args));
        r.fn("time.diff", 2, (ctx, args) -> diff(moment("time.diff", args[0]).time, moment("time.diff", args[1]).time));
    }

    // ---- operands and results ----

    /** A time operand: the instant in its zone, and the layout given with it (time.format only). */
    private record Moment(ZonedDateTime time, String layout) {
    }

    /** Reads a time operand; every complaint about it names "operand 1", as OPA's do. */
    private static Moment moment(String fn, Value v) {
        Value ns;
        ZoneId zone = UTC;
        String layout = "";
        if (v instanceof ArrayValue a && a.size() > 0) {
            ns = a.get(0);
            if (!(ns instanceof NumberValue)) {
                throw Args.typeError(fn, 0, ns, "number");
            }
            if (a.size() > 1) {
                zone = zone(fn, elementString(fn, a.get(1)));
            }
            if (a.size() > 2) {
                layout = elementString(fn, a.get(2));
            }
        } else if (v instanceof NumberValue) {
            ns = v;
        } else {
            throw Args.typeError(fn, 0, v, TIME_ARG);
        }
        return new Moment(toTime(nanos(fn, (NumberValue) ns), zone), layout);
    }

    private static String elementString(String fn, Value v) {
        if (v instanceof StringValue s) {
            return s.value();
        }
        throw Args.typeError(fn, 0, v, "string");
    }

    /** The nanoseconds of a time operand: OPA accepts any number that is an int64 once rounded to 64 bits. */
    private static long nanos(String fn, NumberValue n) {
        if (n.isLong()) {
            return n.longValue();
        }
        BigDecimal rounded = Bits.roundToGoFloat(n.bigDecimal());
        try {
            return rounded.longValueExact();
        } catch (ArithmeticException e) {
            throw BuiltinException.error(fn + ": timestamp too big");
        }
    }

    private static ZoneId zone(String fn, String name) {
        switch (name) {
            case "", "UTC":
                return UTC;
            case "Local":
                return ZoneId.systemDefault();
            default:
                break;
        }
        if (name.contains("..") || name.startsWith("/") || name.startsWith("\\")) {
            throw BuiltinException.error(fn + ": time: invalid location name");
        }
        String id = ZONE_LINKS.getOrDefault(name, name);
        if (!ZONE_IDS.contains(id)) {
            throw BuiltinException.error(fn + ": unknown time zone " + name);
        }
        return ZoneId.of(id);
    }

    private static ZonedDateTime toTime(long ns, ZoneId zone) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, NANOS_PER_SECOND), Math.floorMod(ns, NANOS_PER_SECOND)).atZone(zone);
    }

    /** Nanoseconds since the epoch, or OPA's error when they do not fit 64 bits. */
    private static NumberValue toNanos(String fn, long epochSecond, long nano) {
        if (epochSecond < 0 && nano > 0) {
            epochSecond++;
            nano -= NANOS_PER_SECOND;
        }
        try {
            return NumberValue.of(Math.addExact(Math.multiplyExact(epochSecond, NANOS_PER_SECOND), nano));
        } catch (ArithmeticException e) {
            throw BuiltinException.error(fn + ": time outside of valid range");
        }
    }

    private static ArrayValue ints(int... values) {
        Value[] out = new Value[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = NumberValue.of(values[i]);
        }
        return ArrayValue.wrap(out);
    }

    /** Go's weekday number: Sunday is 0. */
    private static int weekday(ZonedDateTime t) {
        return t.getDayOfWeek().getValue() % 7;
    }

    // ---- time.add_date and time.diff ----

    private static Value addDate(Value[] args) {
        String fn = "time.add_date";
        ZonedDateTime t = moment(fn, args[0]).time;
        long years = intOperand(fn, args, 1);
        long months = intOperand(fn, args, 2);
        long days = intOperand(fn, args, 3);
        try {
            // Like Go's time.Date, overflowing months and days roll into the next ones: Jan 31 + 1 month is Mar 3.
            long month0 = Math.addExact(t.getMonthValue() - 1L, months);
            long year = Math.addExact(Math.addExact(t.getYear(), years), Math.floorDiv(month0, 12));
            LocalDate date = LocalDate.of(Math.toIntExact(year), (int) Math.floorMod(month0, 12) + 1, 1)
                    .plusDays(Math.addExact(t.getDayOfMonth() - 1L, days));
            long epochSecond = resolveLocal(date.atTime(t.toLocalTime()), t.getZone().getRules());
            return toNanos(fn, epochSecond, t.getNano());
        } catch (ArithmeticException | DateTimeException e) {
            throw BuiltinException.error(fn + ": time outside of valid range");
        }
    }

    private static long intOperand(String fn, Value[] args, int i) {
        NumberValue n = Args.number(fn, args, i);
        if (!n.isLong()) {
            throw BuiltinException.type(fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        }
        return n.longValue();
    }

    /**
     * The epoch second of a wall-clock time, resolved as Go's time.Date does: take the offset in
     * force at the wall time read as if it were UTC, then the offset in force at the instant that
     * gives. Which side of a gap or overlap wins thus depends on the zone (New York resolves
     * 02:30 on spring-forward day to 01:30 EST; London's 01:30 on fall-back day is the later one).
     */
    private static long resolveLocal(LocalDateTime wall, ZoneRules rules) {
        long asUtc = wall.toEpochSecond(ZoneOffset.UTC);
        int guess = rules.getOffset(Instant.ofEpochSecond(asUtc)).getTotalSeconds();
        int offset = rules.getOffset(Instant.ofEpochSecond(asUtc - guess)).getTotalSeconds();
        return asUtc - offset;
    }

    /** [years, months, days, hours, minutes, seconds] between two times, read in the first one's zone. */
    private static Value diff(ZonedDateTime a, ZonedDateTime b) {
        b = b.withZoneSameInstant(a.getZone());
        if (a.isAfter(b)) {
            ZonedDateTime swap = a;
            a = b;
            b = swap;
        }
        int year = b.getYear() - a.getYear();
        int month = b.getMonthValue() - a.getMonthValue();
        int day = b.getDayOfMonth() - a.getDayOfMonth();
        int hour = b.getHour() - a.getHour();
        int minute = b.getMinute() - a.getMinute();
        int second = b.getSecond() - a.getSecond();
        if (second < 0) {
            second += 60;
            minute--;
        }
        if (minute < 0) {
            minute += 60;
            hour--;
        }
        if (hour < 0) {
            hour += 24;
            day--;
        }
        if (day < 0) {
            day += YearMonth.of(a.getYear(), a.getMonthValue()).lengthOfMonth();
            month--;
        }
        if (month < 0) {
            month += 12;
            year--;
        }
        return ints(year, month, day, hour, minute, second);
    }

    // ---- Go layouts ----
    //
    // Go works on bytes. Layouts and values are handled here as "byte strings": one char per UTF-8
    // byte (ISO-8859-1 decoding), so that slicing and error messages match Go's byte for byte.

    private static String bytes(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String unbytes(String s) {
        return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The elements of a layout; zone elements say whether "Z" stands for UTC and how the offset is written. */
    private enum Std {
        LONG_MONTH, MONTH, NUM_MONTH, ZERO_MONTH, LONG_WEEKDAY, WEEKDAY, DAY, UNDER_DAY, ZERO_DAY,
        UNDER_YEAR_DAY, ZERO_YEAR_DAY, HOUR, HOUR12, ZERO_HOUR12, MINUTE, ZERO_MINUTE, SECOND, ZERO_SECOND,
        LONG_YEAR, YEAR, PM, PM_LOWER, TZ_NAME,
        ISO_HHMM(true, 2, false), ISO_HHMMSS(true, 3, false), ISO_HH(true, 1, false),
        ISO_HH_MM(true, 2, true), ISO_HH_MM_SS(true, 3, true),
        NUM_HHMM(false, 2, false), NUM_HHMMSS(false, 3, false), NUM_HH(false, 1, false),
        NUM_HH_MM(false, 2, true), NUM_HH_MM_SS(false, 3, true),
        FRAC_ZEROS, FRAC_NINES;

        /** For zone offsets: whether "Z" stands for UTC. */
        final boolean iso;
        /** For zone offsets: 1 = hours, 2 = hours and minutes, 3 = hours, minutes and seconds; 0 otherwise. */
        final int offsetFields;
        /** For zone offsets: whether the fields are separated by colons. */
        final boolean colon;

        Std() {
            this(false, 0, false);
        }

        Std(boolean iso, int offsetFields, boolean colon) {
            this.iso = iso;
            this.offsetFields = offsetFields;
            this.colon = colon;
        }
    }

    /**
     * The next element of a layout: the literal text before it ends at {@code start}, the element
     * ends at {@code end}; {@code std} is null when no element is left. Fractional seconds record
     * their digit count (Go keeps it modulo 4096).
     */
    private record Chunk(int start, int end, Std std, int digits) {
    }

    private static final String[][] ZONE_SPELLINGS = {
            {"070000", "NUM_HHMMSS"}, {"07:00:00", "NUM_HH_MM_SS"}, {"0700", "NUM_HHMM"}, {"07:00", "NUM_HH_MM"}, {"07", "NUM_HH"}};

    private static Chunk nextChunk(String layout, int from) {
        for (int i = from; i < layout.length(); i++) {
            char c = layout.charAt(i);
            switch (c) {
                case 'J' -> {
                    if (layout.startsWith("Jan", i)) {
                        if (layout.startsWith("January", i)) {
                            return new Chunk(i, i + 7, Std.LONG_MONTH, 0);
                        }
                        if (!startsWithLower(layout, i + 3)) {
                            return new Chunk(i, i + 3, Std.MONTH, 0);
                        }
                    }
                }
                case 'M' -> {
                    if (layout.startsWith("Mon", i)) {
                        if (layout.startsWith("Monday", i)) {
                            return new Chunk(i, i + 6, Std.LONG_WEEKDAY, 0);
                        }
                        if (!startsWithLower(layout, i + 3)) {
                            return new Chunk(i, i + 3, Std.WEEKDAY, 0);
                        }
                    }
                    if (layout.startsWith("MST", i)) {
                        return new Chunk(i, i + 3, Std.TZ_NAME, 0);
                    }
                }
                case '0' -> {
                    if (i + 1 < layout.length() && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
                        Std[] zeroPadded = {Std.ZERO_MONTH, Std.ZERO_DAY, Std.ZERO_HOUR12, Std.ZERO_MINUTE, Std.ZERO_SECOND, Std.YEAR};
                        return new Chunk(i, i + 2, zeroPadded[layout.charAt(i + 1) - '1'], 0);
                    }
                    if (layout.startsWith("002", i)) {
                        return new Chunk(i, i + 3, Std.ZERO_YEAR_DAY, 0);
                    }
                }
                case '1' -> {
                    return layout.startsWith("15", i) ? new Chunk(i, i + 2, Std.HOUR, 0) : new Chunk(i, i + 1, Std.NUM_MONTH, 0);
                }
                case '2' -> {
                    return layout.startsWith("2006", i) ? new Chunk(i, i + 4, Std.LONG_YEAR, 0) : new Chunk(i, i + 1, Std.DAY, 0);
                }
                case '_' -> {
                    if (layout.startsWith("_2", i)) {
                        // "_2006" is a literal underscore followed by the year.
                        if (layout.startsWith("_2006", i)) {
                            return new Chunk(i + 1, i + 5, Std.LONG_YEAR, 0);
                        }
                        return new Chunk(i, i + 2, Std.UNDER_DAY, 0);
                    }
                    if (layout.startsWith("__2", i)) {
                        return new Chunk(i, i + 3, Std.UNDER_YEAR_DAY, 0);
                    }
                }
                case '3' -> {
                    return new Chunk(i, i + 1, Std.HOUR12, 0);
                }
                case '4' -> {
                    return new Chunk(i, i + 1, Std.MINUTE, 0);
                }
                case '5' -> {
                    return new Chunk(i, i + 1, Std.SECOND, 0);
                }
                case 'P' -> {
                    if (layout.startsWith("PM", i)) {
                        return new Chunk(i, i + 2, Std.PM, 0);
                    }
                }
                case 'p' -> {
                    if (layout.startsWith("pm", i)) {
                        return new Chunk(i, i + 2, Std.PM_LOWER, 0);
                    }
                }
                case '-', 'Z' -> {
                    for (String[] spelling : ZONE_SPELLINGS) {
                        if (layout.startsWith(spelling[0], i + 1)) {
                            String name = c == 'Z' ? spelling[1].replace("NUM", "ISO") : spelling[1];
                            return new Chunk(i, i + 1 + spelling[0].length(), Std.valueOf(name), 0);
                        }
                    }
                }
                case '.', ',' -> {
                    if (i + 1 < layout.length() && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
                        char digit = layout.charAt(i + 1);
                        int j = i + 1;
                        while (j < layout.length() && layout.charAt(j) == digit) {
                            j++;
                        }
                        // Only a run that is not followed by another digit is a fractional second.
                        if (!isDigit(layout, j)) {
                            return new Chunk(i, j, digit == '0' ? Std.FRAC_ZEROS : Std.FRAC_NINES, (j - i - 1) & 0xfff);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new Chunk(layout.length(), layout.length(), null, 0);
    }

    private static boolean startsWithLower(String s, int i) {
        return i < s.length() && s.charAt(i) >= 'a' && s.charAt(i) <= 'z';
    }

    private static boolean isDigit(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    // ---- formatting ----

    private static String format(ZonedDateTime t, String layoutText) {
        String layout = bytes(layoutText);
        StringBuilder b = new StringBuilder();
        int offset = t.getOffset().getTotalSeconds();
        int pos = 0;
        while (pos < layout.length()) {
            Chunk chunk = nextChunk(layout, pos);
            b.append(layout, pos, chunk.start);
            if (chunk.std == null) {
                break;
            }
            pos = chunk.end;
            switch (chunk.std) {
                case YEAR -> pad(b, Math.abs(t.getYear()) % 100, 2);
                case LONG_YEAR -> pad(b, t.getYear(), 4);
                case MONTH -> b.append(SHORT_MONTHS[t.getMonthValue() - 1]);
                case LONG_MONTH -> b.append(LONG_MONTHS[t.getMonthValue() - 1]);
                case NUM_MONTH -> b.append(t.getMonthValue());
                case ZERO_MONTH -> pad(b, t.getMonthValue(), 2);
                case WEEKDAY -> b.append(SHORT_DAYS[weekday(t)]);
                case LONG_WEEKDAY -> b.append(LONG_DAYS[weekday(t)]);
                case DAY -> b.append(t.getDayOfMonth());
                case UNDER_DAY -> b.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case ZERO_DAY -> pad(b, t.getDayOfMonth(), 2);
                case UNDER_YEAR_DAY -> b.append(" ".repeat(t.getDayOfYear() < 10 ? 2 : t.getDayOfYear() < 100 ? 1 : 0))
                        .append(t.getDayOfYear());
                case ZERO_YEAR_DAY -> pad(b, t.getDayOfYear(), 3);
                case HOUR -> pad(b, t.getHour(), 2);
                case HOUR12 -> b.append(hour12(t));
                case ZERO_HOUR12 -> pad(b, hour12(t), 2);
                case MINUTE -> b.append(t.getMinute());
                case ZERO_MINUTE -> pad(b, t.getMinute(), 2);
                case SECOND -> b.append(t.getSecond());
                case ZERO_SECOND -> pad(b, t.getSecond(), 2);
                case PM -> b.append(t.getHour() >= 12 ? "PM" : "AM");
                case PM_LOWER -> b.append(t.getHour() >= 12 ? "pm" : "am");
                case TZ_NAME -> b.append(zoneAbbreviation(t));
                case FRAC_ZEROS, FRAC_NINES -> appendFraction(b, t.getNano(), chunk, layout.charAt(chunk.start));
                default -> appendOffset(b, offset, chunk.std);
            }
        }
        return unbytes(b.toString());
    }

    private static int hour12(ZonedDateTime t) {
        int h = t.getHour() % 12;
        return h == 0 ? 12 : h;
    }

    private static void pad(StringBuilder b, int value, int width) {
        if (value < 0) {
            b.append('-');
            value = -value;
        }
        String digits = Integer.toString(value);
        b.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
    }

    private static void appendFraction(StringBuilder b, int nanos, Chunk chunk, char separator) {
        boolean trim = chunk.std == Std.FRAC_NINES;
        if (trim && (chunk.digits == 0 || nanos == 0)) {
            return;
        }
        StringBuilder digits = new StringBuilder();
        pad(digits, nanos, 9);
        digits.setLength(Math.min(9, chunk.digits));
        if (trim) {
            while (digits.length() > 0 && digits.charAt(digits.length() - 1) == '0') {
                digits.setLength(digits.length() - 1);
            }
            if (digits.isEmpty()) {
                return;
            }
        }
        b.append(separator).append(digits);
    }

    private static void appendOffset(StringBuilder b, int offset, Std std) {
        if (offset == 0 && std.iso) {
            b.append('Z');
            return;
        }
        int minutes = offset / 60;
        b.append(minutes < 0 ? '-' : '+');
        minutes = Math.abs(minutes);
        pad(b, minutes / 60, 2);
        if (std.offsetFields >= 2) {
            b.append(std.colon ? ":" : "");
            pad(b, minutes % 60, 2);
        }
        if (std.offsetFields == 3) {
            b.append(std.colon ? ":" : "");
            pad(b, Math.abs(offset) % 60, 2);
        }
    }

    /** Go prints the tz database abbreviation; tzdata writes numeric ones as "+05" or "+0530". */
    private static String zoneAbbreviation(ZonedDateTime t) {
        if (t.getZone().equals(UTC)) {
            return "UTC";
        }
        String name = ZONE_ABBREVIATION.format(t);
        if (name.length() == 9 && name.startsWith("GMT") && (name.charAt(3) == '+' || name.charAt(3) == '-')) {
            String hours = name.substring(3, 6);
            String minutes = name.substring(7, 9);
            return minutes.equals("00") ? hours : hours + minutes;
        }
        return name;
    }

    // ---- parsing ----

    /** Thrown inside the parser; carries Go's message. */
    private static final class ParseFailure extends RuntimeException {
        ParseFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** Go's strconv-like quoting for error messages: bytes outside printable ASCII become \xNN. */
    private static String quote(String byteString) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < byteString.length(); i++) {
            char c = byteString.charAt(i);
            if (c >= 0x80 || c < ' ') {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /**
     * The common shape {@code 2025-07-31T00:00:00[.fraction](Z|+hh:mm)} read directly: policies parse
     * timestamps in loops, and the general layout parser is an order of magnitude slower. Anything else,
     * or anything out of range, returns null and goes through the general parser (and its errors).
     */
    static Value rfc3339Fast(String t) {
        io.writ.rego.value.TimestampText f = io.writ.rego.value.TimestampText.read(t);
        if (f == null || f.year() < 1678 || f.year() > 2261 || f.month() < 1 || f.month() > 12 || f.day() < 1
                || f.day() > java.time.YearMonth.of(f.year(), f.month()).lengthOfMonth() || f.hour() > 23
                || f.minute() > 59 || f.second() > 59) {
            return null;
        }
        long days = java.time.LocalDate.of(f.year(), f.month(), f.day()).toEpochDay();
        long seconds = days * 86_400L + f.hour() * 3_600L + f.minute() * 60L + f.second() - f.offsetSeconds();
        return io.writ.rego.value.NumberValue.of(seconds * 1_000_000_000L + f.nanos()); // years 1678-2261 fit a long
    }

    private static Value parse(String fn, String layoutText, String valueText) {
        try {
            return new Parser(bytes(layoutText), bytes(valueText)).parse(fn);
        } catch (ParseFailure e) {
            throw BuiltinException.error(fn + ": " + unbytes(e.getMessage()));
        }
    }

    /** Go's time.Parse, in UTC. Zone abbreviations other than "UTC" are read as UTC, as Go does for unknown ones. */
    private static final class Parser {
        private final String layout;
        private final String value;
        private String rest;
        private int year;
        private int month = -1;
        private int day = -1;
        private int yday = -1;
        private int hour;
        private int minute;
        private int second;
        private int nanos;
        private int zoneOffset;
        private boolean pm;
        private boolean am;
        /** Set by "Z" or "UTC" in the value, which then wins over any numeric offset. */
        private boolean utc;

        Parser(String layout, String value) {
            this.layout = layout;
            this.value = value;
            this.rest = value;
        }

        Value parse(String fn) {
            int pos = 0;
            while (true) {
                Chunk chunk = nextChunk(layout, pos);
                String literal = layout.substring(pos, chunk.start);
                if (!skip(literal)) {
                    throw cannotParse(literal, rest);
                }
                if (chunk.std == null) {
                    if (!rest.isEmpty()) {
                        throw failure(": extra text: " + quote(rest));
                    }
                    break;
                }
                pos = chunk.end;
                String element = layout.substring(chunk.start, chunk.end);
                String hold = rest;
                String rangeError = element(chunk, layout.substring(pos));
                if (rangeError != null) {
                    throw failure(": " + rangeError + " out of range");
                }
                if (rest == null) {
                    throw cannotParse(element, hold);
                }
            }
            if (pm && hour < 12) {
                hour += 12;
            } else if (am && hour == 12) {
                hour = 0;
            }
            resolveDayOfYear();
            if (day < 1 || day > YearMonth.of(year, month).lengthOfMonth()) {
                throw failure(": day out of range");
            }
            long epochSecond = LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC)
                    - (utc ? 0 : zoneOffset);
            return toNanos(fn, epochSecond, nanos);
        }

        private ParseFailure failure(String message) {
            return new ParseFailure("parsing time " + quote(value) + message);
        }

        private ParseFailure cannotParse(String element, String text) {
            return new ParseFailure("parsing time " + quote(value) + " as " + quote(layout) + ": cannot parse "
                    + quote(text) + " as " + quote(element));
        }

        /** Consumes the layout's literal text; runs of spaces match runs of spaces. */
        private boolean skip(String literal) {
            int i = 0;
            while (i < literal.length()) {
                if (literal.charAt(i) == ' ') {
                    if (!rest.isEmpty() && rest.charAt(0) != ' ') {
                        return false;
                    }
                    while (i < literal.length() && literal.charAt(i) == ' ') {
                        i++;
                    }
                    rest = rest.substring(countSpaces(rest));
                    continue;
                }
                if (rest.isEmpty() || rest.charAt(0) != literal.charAt(i)) {
                    return false;
                }
                i++;
                rest = rest.substring(1);
            }
            return true;
        }

        private static int countSpaces(String s) {
            int n = 0;
            while (n < s.length() && s.charAt(n) == ' ') {
                n++;
            }
            return n;
        }

        /**
         * Reads one element from {@code rest}. Returns the name of a field out of range, or null;
         * sets {@code rest} to null when the value does not match the element.
         */
        private String element(Chunk chunk, String layoutAfter) {
            String v = rest;
            switch (chunk.std) {
                case YEAR -> {
                    Integer y = v.length() < 2 ? null : atoi(v.substring(0, 2));
                    if (y == null) {
                        return bad();
                    }
                    year = y >= 69 ? y + 1900 : y + 2000;
                    rest = v.substring(2);
                }
                case LONG_YEAR -> {
                    Integer y = v.length() < 4 || !isDigit(v, 0) ? null : atoi(v.substring(0, 4));
                    if (y == null) {
                        return bad();
                    }
                    year = y;
                    rest = v.substring(4);
                }
                case MONTH, LONG_MONTH -> {
                    int m = lookup(chunk.std == Std.MONTH ? SHORT_MONTHS : LONG_MONTHS);
                    if (m < 0) {
                        return bad();
                    }
                    month = m + 1;
                }
                case NUM_MONTH, ZERO_MONTH -> {
                    Integer m = number(chunk.std == Std.ZERO_MONTH);
                    if (m == null) {
                        return bad();
                    }
                    month = m;
                    if (month <= 0 || month > 12) {
                        return "month";
                    }
                }
                case WEEKDAY, LONG_WEEKDAY -> {
                    // The day of the week is only checked for syntax.
                    if (lookup(chunk.std == Std.WEEKDAY ? SHORT_DAYS : LONG_DAYS) < 0) {
                        return bad();
                    }
                }
                case DAY, UNDER_DAY, ZERO_DAY -> {
                    if (chunk.std == Std.UNDER_DAY && v.startsWith(" ")) {
                        rest = v.substring(1);
                    }
                    Integer d = number(chunk.std == Std.ZERO_DAY);
                    if (d == null) {
                        return bad();
                    }
                    day = d;
                }
                case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
                    for (int i = 0; i < 2 && chunk.std == Std.UNDER_YEAR_DAY && rest.startsWith(" "); i++) {
                        rest = rest.substring(1);
                    }
                    int digits = 0;
                    int n = 0;
                    while (digits < 3 && isDigit(rest, digits)) {
                        n = n * 10 + rest.charAt(digits++) - '0';
                    }
                    if (digits == 0 || (chunk.std == Std.ZERO_YEAR_DAY && digits != 3)) {
                        return bad();
                    }
                    yday = n;
                    rest = rest.substring(digits);
                }
                case HOUR, HOUR12, ZERO_HOUR12 -> {
                    Integer h = number(chunk.std == Std.ZERO_HOUR12);
                    if (h == null) {
                        return bad();
                    }
                    hour = h;
                    if (hour >= (chunk.std == Std.HOUR ? 24 : 13)) {
                        return "hour";
                    }
                }
                case MINUTE, ZERO_MINUTE -> {
                    Integer m = number(chunk.std == Std.ZERO_MINUTE);
                    if (m == null) {
                        return bad();
                    }
                    minute = m;
                    if (minute >= 60) {
                        return "minute";
                    }
                }
                case SECOND, ZERO_SECOND -> {
                    return readSecond(chunk.std == Std.ZERO_SECOND, layoutAfter);
                }
                case PM, PM_LOWER -> {
                    String upper = chunk.std == Std.PM ? "PM" : "pm";
                    String lower = chunk.std == Std.PM ? "AM" : "am";
                    if (v.length() < 2 || !(v.startsWith(upper) || v.startsWith(lower))) {
                        return bad();
                    }
                    if (v.startsWith(upper)) {
                        pm = true;
                    } else {
                        am = true;
                    }
                    rest = v.substring(2);
                }
                case TZ_NAME -> {
                    // Any abbreviation is accepted; it does not move the time (Go knows none but "UTC" here).
                    int n = v.startsWith("UTC") ? 3 : timeZoneLength(v);
                    if (n <= 0) {
                        return bad();
                    }
                    utc |= v.startsWith("UTC");
                    rest = v.substring(n);
                }
                case FRAC_ZEROS -> {
                    int n = 1 + chunk.digits;
                    if (v.length() < n) {
                        return bad();
                    }
                    return readNanos(n);
                }
                case FRAC_NINES -> {
                    if (v.length() < 2 || !isSeparator(v.charAt(0)) || !isDigit(v, 1)) {
                        return null; // the fraction may be left out
                    }
                    int n = 2;
                    while (isDigit(v, n)) {
                        n++;
                    }
                    return readNanos(n);
                }
                default -> {
                    return readOffset(chunk.std);
                }
            }
            return null;
        }

        private String bad() {
            rest = null;
            return null;
        }

        private String readSecond(boolean fixed, String layoutAfter) {
            Integer s = number(fixed);
            if (s == null) {
                return bad();
            }
            second = s;
            if (second >= 60) {
                return "second";
            }
            // A fraction after the seconds is read even when the layout has none.
            if (rest.length() >= 2 && isSeparator(rest.charAt(0)) && isDigit(rest, 1)) {
                Std next = nextChunk(layoutAfter, 0).std;
                if (next == Std.FRAC_ZEROS || next == Std.FRAC_NINES) {
                    return null;
                }
                int n = 2;
                while (isDigit(rest, n)) {
                    n++;
                }
                return readNanos(n);
            }
            return null;
        }

        /** Reads a separator and {@code n - 1} characters of fraction (at most 9 count). */
        private String readNanos(int n) {
            String v = rest;
            if (!isSeparator(v.charAt(0))) {
                return bad();
            }
            Integer ns = atoi(v.substring(1, Math.min(n, 10)));
            if (ns == null) {
                return bad();
            }
            rest = v.substring(n);
            if (ns < 0) {
                return "fractional second";
            }
            for (int i = Math.min(n, 10); i < 10; i++) {
                ns *= 10;
            }
            nanos = ns;
            return null;
        }

        private String readOffset(Std std) {
            String v = rest;
            if (std.iso && v.startsWith("Z")) {
                rest = v.substring(1);
                utc = true;
                return null;
            }
            boolean colon = std.colon;
            int length = 1 + 2 * std.offsetFields + (colon ? std.offsetFields - 1 : 0);
            if (v.length() < length || (colon && (v.charAt(3) != ':' || (std.offsetFields == 3 && v.charAt(6) != ':')))) {
                return bad();
            }
            int step = colon ? 3 : 2;
            Integer h = twoDigits(v, 1);
            Integer m = std.offsetFields >= 2 ? twoDigits(v, 1 + step) : Integer.valueOf(0);
            Integer s = std.offsetFields == 3 ? twoDigits(v, 1 + 2 * step) : Integer.valueOf(0);
            rest = v.substring(length);
            // Ranges use ">" because some people write offsets of 24 hours or 60 minutes.
            String rangeError = null;
            if (h != null && h > 24) {
                rangeError = "time zone offset hour";
            }
            if (h != null && m != null && m > 60) {
                rangeError = "time zone offset minute";
            }
            if (h != null && m != null && s != null && s > 60) {
                rangeError = "time zone offset second";
            }
            if (rangeError != null) {
                return rangeError;
            }
            char sign = v.charAt(0);
            if (h == null || m == null || s == null || (sign != '+' && sign != '-')) {
                return bad();
            }
            zoneOffset = (sign == '-' ? -1 : 1) * ((h * 60 + m) * 60 + s);
            return null;
        }

        /** Go's getnum: one or two digits (exactly two when fixed); advances {@code rest}. */
        private Integer number(boolean fixed) {
            String v = rest;
            if (!isDigit(v, 0)) {
                return null;
            }
            if (!isDigit(v, 1)) {
                if (fixed) {
                    return null;
                }
                rest = v.substring(1);
                return v.charAt(0) - '0';
            }
            rest = v.substring(2);
            return (v.charAt(0) - '0') * 10 + (v.charAt(1) - '0');
        }

        /** Matches a month or day name, ignoring ASCII case; advances {@code rest}. Returns -1 if none. */
        private int lookup(String[] names) {
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                if (rest.length() >= name.length() && sameIgnoringAsciiCase(rest.substring(0, name.length()), name)) {
                    rest = rest.substring(name.length());
                    return i;
                }
            }
            return -1;
        }

        private void resolveDayOfYear() {
            if (yday < 0) {
                month = month < 0 ? 1 : month;
                day = day < 0 ? 1 : day;
                return;
            }
            int d = 0;
            int m = 0;
            int n = yday;
            if (Year.isLeap(year)) {
                if (n == 31 + 29) {
                    m = 2;
                    d = 29;
                } else if (n > 31 + 29) {
                    n--;
                }
            }
            if (n < 1 || n > 365) {
                throw failure(": day-of-year out of range");
            }
            if (m == 0) {
                m = (n - 1) / 31 + 1;
                if (DAYS_BEFORE[m] < n) {
                    m++;
                }
                d = n - DAYS_BEFORE[m - 1];
            }
            if (month >= 0 && month != m) {
                throw failure(": day-of-year does not match month");
            }
            month = m;
            if (day >= 0 && day != d) {
                throw failure(": day-of-year does not match day");
            }
            day = d;
        }
    }

    private static boolean isSeparator(char c) {
        return c == '.' || c == ',';
    }

    private static Integer twoDigits(String s, int at) {
        return isDigit(s, at) && isDigit(s, at + 1) ? (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0') : null;
    }

    private static boolean sameIgnoringAsciiCase(String a, String b) {
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return true;
    }

    /** Go's atoi: optional sign, then only digits (up to 2^63); null when invalid. */
    private static Integer atoi(String s) {
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (!s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        // Only ever called on at most nine characters, so int is enough.
        return (int) (negative ? -n : n);
    }

    /**
     * The length of a zone abbreviation at the start of {@code s}, or 0: "ChST", "MeST", GMT with an
     * optional signed hour, a signed hour alone, or three to five capitals (four or five ending in T,
     * or "WITA").
     */
    private static int timeZoneLength(String s) {
        if (s.length() < 3) {
            return 0;
        }
        if (s.startsWith("ChST") || s.startsWith("MeST")) {
            return 4;
        }
        if (s.startsWith("GMT")) {
            return s.length() == 3 ? 3 : 3 + signedOffsetLength(s.substring(3));
        }
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            return signedOffsetLength(s);
        }
        int upper = 0;
        while (upper < 6 && upper < s.length() && s.charAt(upper) >= 'A' && s.charAt(upper) <= 'Z') {
            upper++;
        }
        return switch (upper) {
            case 3 -> 3;
            case 4 -> s.charAt(3) == 'T' || s.startsWith("WITA") ? 4 : 0;
            case 5 -> s.charAt(4) == 'T' ? 5 : 0;
            default -> 0;
        };
    }

    /** The length of "+hh" / "-h" (an hour from 0 to 23) at the start of {@code s}, or 0. */
    private static int signedOffsetLength(String s) {
        if (s.isEmpty() || (s.charAt(0) != '+' && s.charAt(0) != '-')) {
            return 0;
        }
        int end = 1;
        long n = 0;
        while (end < s.length() && isDigit(s, end)) {
            n = n * 10 + (s.charAt(end) - '0');
            if (n > 23) {
                return 0;
            }
            end++;
        }
        return end == 1 ? 0 : end;
    }

    // ---- durations ----

    /** Go's time.ParseDuration: e.g. "1h30m", "-1.5h", "300ms", "2us" / "2µs"; in nanoseconds. */
    private static long parseDuration(String text) {
        String s = bytes(text);
        String invalid = "time: invalid duration " + quote(s);
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw durationError(invalid);
        }
        long total = 0; // unsigned: may reach 2^63
        while (!s.isEmpty()) {
            if (!(s.charAt(0) == '.' || isDigit(s, 0))) {
                throw durationError(invalid);
            }
            int i = 0;
            long whole = 0;
            for (; isDigit(s, i); i++) {
                if (Long.compareUnsigned(whole, Long.MIN_VALUE / -10) > 0) {
                    throw durationError(invalid);
                }
                whole = whole * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(whole, Long.MIN_VALUE) > 0) {
                    throw durationError(invalid);
                }
            }
            boolean digitsBefore = i > 0;
            long fraction = 0;
            double scale = 1;
            boolean digitsAfter = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                boolean overflow = false;
                for (; isDigit(s, i); i++) {
                    digitsAfter = true;
                    // Digits beyond 63 bits of precision are ignored.
                    if (overflow || Long.compareUnsigned(fraction, Long.MAX_VALUE / 10) > 0) {
                        overflow = true;
                        continue;
                    }
                    long next = fraction * 10 + (s.charAt(i) - '0');
                    if (Long.compareUnsigned(next, Long.MIN_VALUE) > 0) {
                        overflow = true;
                        continue;
                    }
                    fraction = next;
                    scale *= 10;
                }
            }
            if (!digitsBefore && !digitsAfter) {
                throw durationError(invalid);
            }
            int u = i;
            while (u < s.length() && s.charAt(u) != '.' && !isDigit(s, u)) {
                u++;
            }
            if (u == i) {
                throw durationError("time: missing unit in duration " + quote(bytes(text)));
            }
            String unitName = s.substring(i, u);
            Long unit = DURATION_UNITS.get(unitName);
            if (unit == null) {
                throw durationError("time: unknown unit " + quote(unitName) + " in duration " + quote(bytes(text)));
            }
            if (Long.compareUnsigned(whole, Long.divideUnsigned(Long.MIN_VALUE, unit)) > 0) {
                throw durationError(invalid);
            }
            whole *= unit;
            if (fraction > 0) {
                // Go computes the fraction's share in float64; do the same to get the same nanoseconds.
                whole += (long) (unsignedToDouble(fraction) * (unit / scale));
                if (Long.compareUnsigned(whole, Long.MIN_VALUE) > 0) {
                    throw durationError(invalid);
                }
            }
            total += whole;
            if (Long.compareUnsigned(total, Long.MIN_VALUE) > 0) {
                throw durationError(invalid);
            }
            s = s.substring(u);
        }
        if (negative) {
            return -total;
        }
        if (total < 0) {
            throw durationError(invalid);
        }
        return total;
    }

    private static final Map<String, Long> DURATION_UNITS = Map.of(
            "ns", 1L,
            "us", 1_000L,
            bytes("\u00b5s"), 1_000L, // micro sign
            bytes("\u03bcs"), 1_000L, // Greek mu
            "ms", 1_000_000L,
            "s", NANOS_PER_SECOND,
            "m", 60 * NANOS_PER_SECOND,
            "h", 3600 * NANOS_PER_SECOND);

    private static double unsignedToDouble(long x) {
        return x >= 0 ? (double) x : ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }

    private static BuiltinException durationError(String byteMessage) {
        return BuiltinException.error("time.parse_duration_ns: " + unbytes(byteMessage));
    }
}
