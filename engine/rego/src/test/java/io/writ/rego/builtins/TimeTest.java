package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.fails;

class TimeTest {
    /** 2022-12-02T18:40:53.141828752Z */
    private static final long SAMPLE = 1670006453141828752L;

    private static Value num(String text) {
        return NumberValue.parse(text);
    }

    private static Value num(long n) {
        return NumberValue.of(n);
    }

    private static Value str(String s) {
        return StringValue.of(s);
    }

    private static Value zoned(long ns, String... zoneAndLayout) {
        Value[] items = new Value[1 + zoneAndLayout.length];
        items[0] = num(ns);
        for (int i = 0; i < zoneAndLayout.length; i++) {
            items[i + 1] = str(zoneAndLayout[i]);
        }
        return ArrayValue.wrap(items);
    }

    private static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static Value ints(int... values) {
        Value[] out = new Value[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = num(values[i]);
        }
        return ArrayValue.wrap(out);
    }

    private static String format(Value time) {
        return ((StringValue) call("time.format", time)).value();
    }

    // ---- time.now_ns ----

    @Test
    void nowIsTheEvaluationClock() {
        Builtin now = Registry.standard().get("time.now_ns");
        assertThat(now.nondeterministic()).isTrue();
        assertThat(now.arity()).isZero();
        assertThat(now.impl().call(BuiltinContext.fixed(123456789L), new Value[0])).isEqualTo(num(123456789L));
    }

    // ---- parsing ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1677-09-21T00:12:43.145224192-00:00 | -9223372036854775808",
            "1970-01-01T00:00:00-00:00 | 0",
            "2017-06-02T19:00:00-07:00 | 1496455200000000000",
            "2262-04-11T23:47:16.854775807-00:00 | 9223372036854775807",
            "2017-06-02T19:00:00.5Z | 1496430000500000000",
            "2017-06-02T19:00:00.1234567891Z | 1496430000123456789",
            "2017-06-02T19:00:00+05:30 | 1496410200000000000",
            "2017-06-02T19:00:00,25Z | 1496430000250000000",
            "2017-06-02T9:00:00Z | 1496394000000000000",
    })
    void parseRfc3339(String text, long expected) {
        assertThat(call("time.parse_rfc3339_ns", str(text))).isEqualTo(num(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1677-09-21T00:12:43.145224191-00:00 | time.parse_rfc3339_ns: time outside of valid range",
            "2262-04-11T23:47:16.854775808-00:00 | time.parse_rfc3339_ns: time outside of valid range",
            "2017-06-02T19:00:00 | time.parse_rfc3339_ns: parsing time \"2017-06-02T19:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"",
            "2017-13-02T19:00:00Z | time.parse_rfc3339_ns: parsing time \"2017-13-02T19:00:00Z\": month out of range",
            "2017-02-30T19:00:00Z | time.parse_rfc3339_ns: parsing time \"2017-02-30T19:00:00Z\": day out of range",
            "2017-06-02T24:00:00Z | time.parse_rfc3339_ns: parsing time \"2017-06-02T24:00:00Z\": hour out of range",
            "2017-06-02T19:00:00Zjunk | time.parse_rfc3339_ns: parsing time \"2017-06-02T19:00:00Zjunk\": extra text: \"junk\"",
            "2017-06-02 19:00:00Z | time.parse_rfc3339_ns: parsing time \"2017-06-02 19:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 19:00:00Z\" as \"T\"",
            "2017-06-02T19:00:00+25:00 | time.parse_rfc3339_ns: parsing time \"2017-06-02T19:00:00+25:00\": time zone offset hour out of range",
            "2017-06-02T19:00:00z | time.parse_rfc3339_ns: parsing time \"2017-06-02T19:00:00z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"z\" as \"Z07:00\"",
            "2017-06-02T19:00:0é | time.parse_rfc3339_ns: parsing time \"2017-06-02T19:00:0\\xc3\\xa9\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"0\\xc3\\xa9\" as \"05\"",
    })
    void parseRfc3339Errors(String text, String message) {
        fails(BuiltinException.Kind.BUILTIN, message, "time.parse_rfc3339_ns", str(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2006-01-02 | 2020-02-02 | 2020-02-02T00:00:00Z",
            "RFC822Z | 02 Jan 21 15:04 +0530 | 2021-01-02T09:34:00Z",
            "RFC1123 | Mon, 02 Jan 2006 15:04:05 UTC | 2006-01-02T15:04:05Z",
            "RFC3339Nano | 2006-01-02T15:04:05.123Z | 2006-01-02T15:04:05.123Z",
            "ANSIC | Mon Jan  2 15:04:05 2006 | 2006-01-02T15:04:05Z",
            "2006-01-02 3:04PM | 2020-05-06 7:30PM | 2020-05-06T19:30:00Z",
            "2006-01-02 03:04pm | 2020-05-06 12:30am | 2020-05-06T00:30:00Z",
            "2006-01-02 15:04:05.000 | 2020-05-06 10:11:12.345 | 2020-05-06T10:11:12.345Z",
            "2006-01-02 15:04:05.999 | 2020-05-06 10:11:12 | 2020-05-06T10:11:12Z",
            "2006-01-02 15:04:05 | 2020-05-06 10:11:12.999999999999 | 2020-05-06T10:11:12.999999999Z",
            "January 2 2006 | march 4 2021 | 2021-03-04T00:00:00Z",
            "Monday Jan _2 06 | Friday Jul  9 21 | 2021-07-09T00:00:00Z",
            "02/01/06 | 31/12/69 | 1969-12-31T00:00:00Z",
            "2006 002 | 2020 060 | 2020-02-29T00:00:00Z",
            "2006 __2 | 2021 365 | 2021-12-31T00:00:00Z",
            "2006-01-02 -07 | 2020-01-01 -03 | 2020-01-01T03:00:00Z",
            "2006-01-02 -070000 | 2020-01-01 +013015 | 2019-12-31T22:29:45Z",
            "2006-01-02 Z07:00:00 | 2020-01-01 -01:00:30 | 2020-01-01T01:00:30Z",
            "2006-01-02 MST | 2020-01-01 CEST | 2020-01-01T00:00:00Z",
            "2006-01-02 MST -0700 | 2020-01-01 UTC +0100 | 2020-01-01T00:00:00Z",
            "2006-01-02 15:04:05 MST | 2020-01-01 10:00:00 GMT+3 | 2020-01-01T10:00:00Z",
            "2006-01-02  15 | 2020-01-01 7 | 2020-01-01T07:00:00Z",
    })
    void parseLayouts(String layout, String value, String expected) {
        assertThat(call("time.parse_ns", str(layout), str(value))).isEqualTo(num(nanos(expected)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2006-01-02 | 2020-02-30 | parsing time \"2020-02-30\": day out of range",
            "2006-01-02 | 2020-02-03x | parsing time \"2020-02-03x\": extra text: \"x\"",
            "2006-01-02 | 2020/02/03 | parsing time \"2020/02/03\" as \"2006-01-02\": cannot parse \"/02/03\" as \"-\"",
            "2006-01-02 | 20-02-03 | parsing time \"20-02-03\" as \"2006-01-02\": cannot parse \"20-02-03\" as \"2006\"",
            "Jan 2 2006 | Foo 2 2006 | parsing time \"Foo 2 2006\" as \"Jan 2 2006\": cannot parse \"Foo 2 2006\" as \"Jan\"",
            "2006 002 | 2021 366 | parsing time \"2021 366\": day-of-year out of range",
            "2006-01 002 | 2021-03 032 | parsing time \"2021-03 032\": day-of-year does not match month",
            "2006-01-02 002 | 2021-02-02 032 | parsing time \"2021-02-02 032\": day-of-year does not match day",
            "15:04 | 12:60 | parsing time \"12:60\": minute out of range",
            "3PM | 3XM | parsing time \"3XM\" as \"3PM\": cannot parse \"XM\" as \"PM\"",
            "15.000 | 12.5 | parsing time \"12.5\" as \"15.000\": cannot parse \".5\" as \".000\"",
            "15.000 | 12.-12 | parsing time \"12.-12\": fractional second out of range",
            "-0700 | +01x0 | parsing time \"+01x0\" as \"-0700\": cannot parse \"+01x0\" as \"-0700\"",
            "-0700 | *0100 | parsing time \"*0100\" as \"-0700\": cannot parse \"*0100\" as \"-0700\"",
            "MST | Xy | parsing time \"Xy\" as \"MST\": cannot parse \"Xy\" as \"MST\"",
            "3:04PM | 7:30PM | time outside of valid range",
    })
    void parseErrors(String layout, String value, String message) {
        fails(BuiltinException.Kind.BUILTIN, "time.parse_ns: " + message, "time.parse_ns", str(layout), str(value));
    }

    @Test
    void parseOperandTypes() {
        fails(BuiltinException.Kind.TYPE, "time.parse_ns: operand 2 must be string but got number",
                "time.parse_ns", str("2006"), num(2020));
        fails(BuiltinException.Kind.TYPE, "time.parse_rfc3339_ns: operand 1 must be string but got number",
                "time.parse_rfc3339_ns", num(1));
    }

    // ---- durations ----

    @ParameterizedTest
    @CsvSource({
            "100ms, 100000000",
            "1h30m, 5400000000000",
            "1.5s, 1500000000",
            "300ms, 300000000",
            "-2h45m, -9900000000000",
            "+5s, 5000000000",
            "1us, 1000",
            "1µs, 1000",
            "1μs, 1000",
            "7ns, 7",
            "0, 0",
            "-0, 0",
            ".5m, 30000000000",
            "1.m, 60000000000",
            "1.000000001h, 3600000003600",
            "2h0m0.5s, 7200500000000",
            "9223372036854775807ns, 9223372036854775807",
            "-9223372036854775808ns, -9223372036854775808",
            "2562047h47m16.854775807s, 9223372036854775807",
    })
    void parseDuration(String text, long expected) {
        assertThat(call("time.parse_duration_ns", str(text))).isEqualTo(num(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'' | time: invalid duration \"\"",
            "- | time: invalid duration \"-\"",
            "1 | time: missing unit in duration \"1\"",
            "1x | time: unknown unit \"x\" in duration \"1x\"",
            "1d | time: unknown unit \"d\" in duration \"1d\"",
            "1é | time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"",
            ".s | time: invalid duration \".s\"",
            "s | time: invalid duration \"s\"",
            "1h 2m | time: unknown unit \"h \" in duration \"1h 2m\"",
            "9223372036854775808ns | time: invalid duration \"9223372036854775808ns\"",
            "3000000h | time: invalid duration \"3000000h\"",
            "99999999999999999999ns | time: invalid duration \"99999999999999999999ns\"",
    })
    void parseDurationErrors(String text, String message) {
        fails(BuiltinException.Kind.BUILTIN, "time.parse_duration_ns: " + message, "time.parse_duration_ns", str(text));
    }

    // ---- time operands: date, clock, weekday ----

    @Test
    void dateClockAndWeekdayInUtcByDefault() {
        assertThat(call("time.date", num(SAMPLE))).isEqualTo(ints(2022, 12, 2));
        assertThat(call("time.clock", num(SAMPLE))).isEqualTo(ints(18, 40, 53));
        assertThat(call("time.weekday", num(1518177600000000000L))).isEqualTo(str("Friday"));
        assertThat(call("time.date", num(-1))).isEqualTo(ints(1969, 12, 31));
        assertThat(call("time.clock", num(-1))).isEqualTo(ints(23, 59, 59));
        assertThat(call("time.weekday", num(0))).isEqualTo(str("Thursday"));
    }

    @Test
    void zones() {
        assertThat(call("time.clock", zoned(1517832000000000000L, "America/New_York"))).isEqualTo(ints(7, 0, 0));
        assertThat(call("time.date", zoned(SAMPLE, "Asia/Kolkata"))).isEqualTo(ints(2022, 12, 3));
        assertThat(call("time.weekday", zoned(SAMPLE, "Asia/Kolkata"))).isEqualTo(str("Saturday"));
        assertThat(call("time.clock", zoned(SAMPLE, "UTC"))).isEqualTo(ints(18, 40, 53));
        assertThat(call("time.clock", zoned(SAMPLE, ""))).isEqualTo(ints(18, 40, 53));
        assertThat(call("time.clock", zoned(SAMPLE, "US/Eastern"))).isEqualTo(ints(13, 40, 53));
        assertThat(call("time.clock", zoned(SAMPLE, "EST"))).isEqualTo(ints(13, 40, 53));
        assertThat(call("time.clock", zoned(SAMPLE))).isEqualTo(ints(18, 40, 53));
        assertThat(call("time.clock", zoned(SAMPLE, "Local"))).isInstanceOf(ArrayValue.class);
        // Extra elements are allowed (the layout is only used by time.format).
        assertThat(call("time.date", zoned(SAMPLE, "UTC", "2006", "ignored"))).isEqualTo(ints(2022, 12, 2));
    }

    @Test
    void timestampsMustBeInt64AfterOpasRounding() {
        for (String fn : new String[] {"time.date", "time.clock", "time.weekday", "time.format"}) {
            fails(BuiltinException.Kind.BUILTIN, fn + ": timestamp too big", fn, num("1582977600000000000000"));
            fails(BuiltinException.Kind.BUILTIN, fn + ": timestamp too big", fn, num("15829776000000000000000"));
            fails(BuiltinException.Kind.BUILTIN, fn + ": timestamp too big", fn, num("1.5"));
            fails(BuiltinException.Kind.BUILTIN, fn + ": timestamp too big", fn, num("9223372036854775808"));
        }
        // A fraction too small for 64 bits of precision vanishes.
        assertThat(call("time.date", num("86400.0000000000000000001"))).isEqualTo(ints(1970, 1, 1));
    }

    @Test
    void timeOperandErrors() {
        String expected = "time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got ";
        fails(BuiltinException.Kind.TYPE, expected + "string", "time.date", str("x"));
        fails(BuiltinException.Kind.TYPE, expected + "array", "time.date", ArrayValue.EMPTY);
        fails(BuiltinException.Kind.TYPE, "time.date: operand 1 must be number but got string",
                "time.date", ArrayValue.of(str("x"), str("UTC")));
        fails(BuiltinException.Kind.TYPE, "time.date: operand 1 must be string but got number",
                "time.date", ArrayValue.of(num(0), num(1)));
        fails(BuiltinException.Kind.TYPE, "time.format: operand 1 must be string but got boolean",
                "time.format", ArrayValue.of(num(0), str("UTC"), BooleanValue.of(true)));
        fails(BuiltinException.Kind.BUILTIN, "time.clock: unknown time zone Mars/Olympus_Mons",
                "time.clock", zoned(0, "Mars/Olympus_Mons"));
        fails(BuiltinException.Kind.BUILTIN, "time.clock: unknown time zone america/new_york",
                "time.clock", zoned(0, "america/new_york"));
        fails(BuiltinException.Kind.BUILTIN, "time.weekday: time: invalid location name",
                "time.weekday", zoned(0, "../../etc/passwd"));
        fails(BuiltinException.Kind.BUILTIN, "time.weekday: time: invalid location name",
                "time.weekday", zoned(0, "/etc/localtime"));
        // Like OPA, the second operand of time.diff is also called "operand 1".
        fails(BuiltinException.Kind.TYPE, "time.diff: operand 1 must be either number (ns) or [number (ns), string (tz)] but got null",
                "time.diff", num(0), NullValue.INSTANCE);
    }

    // ---- formatting ----

    @Test
    void formatDefaultsAndZones() {
        assertThat(format(num(SAMPLE))).isEqualTo("2022-12-02T18:40:53.141828752Z");
        assertThat(format(zoned(SAMPLE, "Asia/Kolkata"))).isEqualTo("2022-12-03T00:10:53.141828752+05:30");
        assertThat(format(zoned(SAMPLE, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"))).isEqualTo("Sat Dec 03 00:10:53 +0530 2022");
        assertThat(format(zoned(SAMPLE, "Asia/Kolkata", "RFC1123Z"))).isEqualTo("Sat, 03 Dec 2022 00:10:53 +0530");
        assertThat(format(zoned(SAMPLE, "Asia/Kolkata", ""))).isEqualTo("2022-12-03T00:10:53.141828752+05:30");
        assertThat(format(num(nanos("2022-12-02T18:40:53Z")))).isEqualTo("2022-12-02T18:40:53Z");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ANSIC | UTC | Fri Dec  2 18:40:53 2022",
            "UnixDate | America/New_York | Fri Dec  2 13:40:53 EST 2022",
            "RubyDate | America/New_York | Fri Dec 02 13:40:53 -0500 2022",
            "RFC822 | UTC | 02 Dec 22 18:40 UTC",
            "RFC822Z | UTC | 02 Dec 22 18:40 +0000",
            "RFC850 | Europe/Paris | Friday, 02-Dec-22 19:40:53 CET",
            "RFC1123 | Asia/Kolkata | Sat, 03 Dec 2022 00:10:53 IST",
            "RFC1123 | Asia/Kathmandu | Sat, 03 Dec 2022 00:25:53 +0545",
            "RFC1123 | America/Sao_Paulo | Fri, 02 Dec 2022 15:40:53 -03",
            "RFC3339 | America/New_York | 2022-12-02T13:40:53-05:00",
            "RFC3339Nano | UTC | 2022-12-02T18:40:53.141828752Z",
            "Kitchen | UTC | Kitchen",
            "3:04PM | UTC | 6:40PM",
            "03:04:05 pm | Asia/Kolkata | 12:10:53 am",
            "2006-01-02 15:04:05.000 | UTC | 2022-12-02 18:40:53.141",
            "15:04:05,000000 | UTC | 18:40:53,141828",
            "15:04:05.99 | UTC | 18:40:53.14",
            "15:04:05.0000000000 | UTC | 18:40:53.141828752",
            "Jan _2 | UTC | Dec  2",
            "January 2, 06 | UTC | December 2, 22",
            "1/2/2006 | UTC | 12/2/2022",
            "002 __2 | UTC | 336 336",
            "Z07 Z0700 Z07:00 Z070000 Z07:00:00 | UTC | Z Z Z Z Z",
            "-07 -0700 -07:00 -070000 -07:00:00 | UTC | +00 +0000 +00:00 +000000 +00:00:00",
            "Z07 Z0700 Z07:00 Z070000 Z07:00:00 | Asia/Kathmandu | +05 +0545 +05:45 +054500 +05:45:00",
            "-07:00 MST | America/Los_Angeles | -08:00 PST",
            "_2006 Month 4 | UTC | _2022 Month 40",
            "héllo 2006 | UTC | héllo 2022",
    })
    void formatLayouts(String layout, String zone, String expected) {
        assertThat(format(zoned(SAMPLE, zone, layout))).isEqualTo(expected);
    }

    @Test
    void formatDayOfYearPadding() {
        long jan5 = nanos("2022-01-05T00:00:00Z");
        assertThat(format(zoned(jan5, "UTC", "002|__2|_2|2|02"))).isEqualTo("005|  5| 5|5|05");
        long apr10 = nanos("2022-04-10T00:00:00Z");
        assertThat(format(zoned(apr10, "UTC", "002|__2"))).isEqualTo("100|100");
        long feb20 = nanos("2022-02-20T00:00:00Z");
        assertThat(format(zoned(feb20, "UTC", "__2"))).isEqualTo(" 51");
    }

    @Test
    void formatTrimsZeroFractionsForNines() {
        long whole = nanos("2022-12-02T18:40:53Z");
        assertThat(format(zoned(whole, "UTC", "05.999"))).isEqualTo("53");
        assertThat(format(zoned(whole, "UTC", "05.000"))).isEqualTo("53.000");
        assertThat(format(zoned(whole + 100_000_000L, "UTC", "05.999"))).isEqualTo("53.1");
    }

    // ---- time.add_date ----

    @Test
    void addDate() {
        long jan31 = nanos("2020-01-31T10:00:00.5Z");
        assertThat(call("time.add_date", num(jan31), num(0), num(0), num(1))).isEqualTo(num(nanos("2020-02-01T10:00:00.5Z")));
        // Like Go, overflowing days roll over: February 31st is March 2nd in a leap year.
        assertThat(call("time.add_date", num(jan31), num(0), num(1), num(0))).isEqualTo(num(nanos("2020-03-02T10:00:00.5Z")));
        assertThat(call("time.add_date", num(jan31), num(1), num(-13), num(0))).isEqualTo(num(nanos("2019-12-31T10:00:00.5Z")));
        assertThat(call("time.add_date", num(jan31), num(-1), num(0), num(-365))).isEqualTo(num(nanos("2018-01-31T10:00:00.5Z")));
        assertThat(call("time.add_date", num(0), num(0), num(0), num(-1))).isEqualTo(num(-86_400_000_000_000L));
    }

    @Test
    void addDateKeepsWallClockInTheZone() {
        // 2021-11-06 12:00 EDT plus a day is 12:00 EST: 25 hours later.
        long before = nanos("2021-11-06T16:00:00Z");
        assertThat(call("time.add_date", zoned(before, "America/New_York"), num(0), num(0), num(1)))
                .isEqualTo(num(nanos("2021-11-07T17:00:00Z")));
        // 02:30 does not exist on 2021-03-14 in New York; Go resolves it with the earlier offset, to 01:30 EST.
        long dayBeforeGap = nanos("2021-03-13T07:30:00Z");
        assertThat(call("time.add_date", zoned(dayBeforeGap, "America/New_York"), num(0), num(0), num(1)))
                .isEqualTo(num(nanos("2021-03-14T06:30:00Z")));
        // 01:30 happens twice on 2021-10-31 in London; Go picks the later one (GMT).
        long dayBeforeOverlap = nanos("2021-10-30T00:30:00Z");
        assertThat(call("time.add_date", zoned(dayBeforeOverlap, "Europe/London"), num(0), num(0), num(1)))
                .isEqualTo(num(nanos("2021-10-31T01:30:00Z")));
    }

    @Test
    void addDateErrors() {
        fails(BuiltinException.Kind.BUILTIN, "time.add_date: time outside of valid range",
                "time.add_date", num(0), num(1000), num(0), num(0));
        fails(BuiltinException.Kind.BUILTIN, "time.add_date: time outside of valid range",
                "time.add_date", num(0), num(Long.MAX_VALUE), num(0), num(0));
        fails(BuiltinException.Kind.TYPE, "time.add_date: operand 2 must be integer number but got floating-point number",
                "time.add_date", num(0), num("1.5"), num(0), num(0));
        fails(BuiltinException.Kind.TYPE, "time.add_date: operand 4 must be number but got string",
                "time.add_date", num(0), num(0), num(0), str("1"));
        fails(BuiltinException.Kind.BUILTIN, "time.add_date: timestamp too big",
                "time.add_date", num("1e30"), num(0), num(0), num(0));
    }

    // ---- time.diff ----

    private static Value date(String yyyyMmDd) {
        return call("time.parse_ns", str("2006-01-02"), str(yyyyMmDd));
    }

    @Test
    void diff() {
        long now = 1_700_000_000_000_000_000L;
        assertThat(call("time.diff", num(now + 61_000_000_000L), num(now))).isEqualTo(ints(0, 0, 0, 0, 1, 1));
        assertThat(call("time.diff", zoned(now + 60_000_000_000L, "UTC"), zoned(now, "Asia/Shanghai"))).isEqualTo(ints(0, 0, 0, 0, 1, 0));
        assertThat(call("time.diff", date("2020-02-02"), date("2020-03-01"))).isEqualTo(ints(0, 0, 28, 0, 0, 0));
        assertThat(call("time.diff", date("2021-02-02"), date("2021-03-01"))).isEqualTo(ints(0, 0, 27, 0, 0, 0));
        assertThat(call("time.diff", date("2004-02-29"), date("2005-03-01"))).isEqualTo(ints(1, 0, 1, 0, 0, 0));
        assertThat(call("time.diff", date("2005-03-01"), date("2004-02-29"))).isEqualTo(ints(1, 0, 1, 0, 0, 0));
        assertThat(call("time.diff", date("2020-01-31"), date("2020-03-01"))).isEqualTo(ints(0, 1, 1, 0, 0, 0));
        assertThat(call("time.diff", num(0), num(0))).isEqualTo(ints(0, 0, 0, 0, 0, 0));
        // Fields are read in the first operand's zone: midnight in Kolkata is 18:30 UTC.
        long midnightKolkata = nanos("2022-01-01T18:30:00Z");
        assertThat(call("time.diff", zoned(midnightKolkata, "Asia/Kolkata"), num(nanos("2022-01-03T18:30:00Z"))))
                .isEqualTo(ints(0, 0, 2, 0, 0, 0));
    }
}
