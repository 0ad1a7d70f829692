package io.writ.rego.builtins;

import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.regex.Pattern;

/**
 * Built-ins: {@code semver.is_valid} and {@code semver.compare} (SemVer 2.0.0 precedence, build
 * metadata ignored). Parsing is OPA's: an optional leading "v" is accepted, as are leading zeros in
 * numbers and an empty pre-release or metadata after its separator; numbers must fit 64 bits.
 */
final class Semver {
    private static final Pattern IDENTIFIERS = Pattern.compile("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");

    private Semver() {
    }

    private record Version(long major, long minor, long patch, String preRelease) {
    }

    static void register(Registry.Builder r) {
        r.fn("semver.is_valid", 1, (ctx, args) ->
                BooleanValue.of(args[0] instanceof StringValue s && parse(s.value()) != null));
        r.fn("semver.compare", 2, (ctx, args) -> {
            Version a = version(args, 0);
            Version b = version(args, 1);
            return NumberValue.of(compare(a, b));
        });
    }

    private static Version version(Value[] args, int i) {
        String text = Args.string("semver.compare", args, i);
        Version v = parse(text);
        if (v == null) {
            throw BuiltinException.error("semver.compare: operand " + (i + 1) + ": string " + text + " is not a valid SemVer");
        }
        return v;
    }

    /** The version, or null when the text is not one. */
    private static Version parse(String text) {
        String rest = text.startsWith("v") ? text.substring(1) : text;
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            if (!validIdentifiers(rest.substring(plus + 1))) {
                return null;
            }
            rest = rest.substring(0, plus);
        }
        String preRelease = "";
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            preRelease = rest.substring(dash + 1);
            if (!validIdentifiers(preRelease)) {
                return null;
            }
            rest = rest.substring(0, dash);
        }
        String[] parts = rest.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        Long major = number(parts[0]);
        Long minor = number(parts[1]);
        Long patch = number(parts[2]);
        if (major == null || minor == null || patch == null) {
            return null;
        }
        return new Version(major, minor, patch, preRelease);
    }

    private static boolean validIdentifiers(String s) {
        return s.isEmpty() || IDENTIFIERS.matcher(s).matches();
    }

    private static Long number(String s) {
        if (s.isEmpty() || !isNumeric(s)) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int compare(Version a, Version b) {
        int c = Long.compare(a.major, b.major);
        if (c == 0) {
            c = Long.compare(a.minor, b.minor);
        }
        if (c == 0) {
            c = Long.compare(a.patch, b.patch);
        }
        if (c != 0 || a.preRelease.equals(b.preRelease)) {
            return Integer.signum(c);
        }
        // A version without pre-release ranks above any pre-release of the same version.
        if (a.preRelease.isEmpty() || b.preRelease.isEmpty()) {
            return a.preRelease.isEmpty() ? 1 : -1;
        }
        String[] x = a.preRelease.split("\\.", -1);
        String[] y = b.preRelease.split("\\.", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            c = compareIdentifier(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        // Identifiers like "01" and "1" compare equal, so this may be 0 although the texts differ.
        return Integer.signum(Integer.compare(x.length, y.length));
    }

    /** Numeric identifiers compare as numbers and rank below alphanumeric ones, which compare as text. */
    private static int compareIdentifier(String a, String b) {
        boolean aNum = isNumeric(a);
        boolean bNum = isNumeric(b);
        if (aNum != bNum) {
            return aNum ? -1 : 1;
        }
        if (aNum) {
            // OPA reads numeric identifiers into 64 bits, saturating the ones too big for that.
            return Long.compare(saturatingParse(a), saturatingParse(b));
        }
        return Integer.signum(a.compareTo(b));
    }

    private static long saturatingParse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }
}
