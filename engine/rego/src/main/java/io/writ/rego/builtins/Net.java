package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Built-ins: CIDR arithmetic — {@code net.cidr_contains}, {@code net.cidr_contains_matches},
 * {@code net.cidr_intersects}, {@code net.cidr_merge}, {@code net.cidr_is_valid} and
 * {@code net.cidr_expand} — for IPv4 and IPv6.
 *
 * <p>Addresses are parsed here, by Go's rules (no leading zeros in IPv4 octets, no zones), never
 * through {@code InetAddress}, which could resolve host names. As in Go, an IPv4 address and an
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) are the same address, and IPv4 addresses and
 * IPv6 networks never contain each other.
 */
final class Net {
    /** Upper bound for net.cidr_expand, which OPA leaves to the evaluation's timeout. */
    static final int MAX_EXPANDED_ADDRESSES = 1 << 20;

    private static final BigInteger V4_MAPPED = BigInteger.valueOf(0xffff).shiftLeft(32);

    private Net() {
    }

    static void register(Registry.Builder r) {
        r.fn("net.cidr_contains", 2, (ctx, args) -> BooleanValue.of(contains("net.cidr_contains", args[0], args[1])));
        r.fn("net.cidr_intersects", 2, (ctx, args) -> {
            Cidr a = cidrOperand("net.cidr_intersects", args[0]);
            Cidr b = cidrOperand("net.cidr_intersects", args[1]);
            return BooleanValue.of(a.contains(b.ip) || b.contains(a.ip));
        });
        r.fn("net.cidr_is_valid", 1, (ctx, args) ->
                BooleanValue.of(args[0] instanceof StringValue s && Cidr.parse(s.value()) != null));
        r.fn("net.cidr_expand", 1, (ctx, args) -> expand(args[0]));
        r.fn("net.cidr_merge", 1, (ctx, args) -> merge(args[0]));
        r.fn("net.cidr_contains_matches", 2, (ctx, args) -> containsMatches(args));
    }

    // ---- net.cidr_contains and net.cidr_contains_matches ----

    /**
     * Whether CIDR {@code a} contains {@code b}, an IP address or a whole CIDR. Type errors name
     * "operand 1" for either operand, as OPA's do.
     */
    private static boolean contains(String fn, Value a, Value b) {
        Cidr net = cidrOperand(fn, a);
        String text = Args.string(fn, new Value[] {b}, 0);
        byte[] ip = parseIp(text);
        if (ip != null) {
            return net.contains(ip);
        }
        Cidr inner = Cidr.parse(text);
        if (inner == null) {
            throw BuiltinException.error(fn + ": not a valid textual representation of an IP address or CIDR: " + text);
        }
        return net.contains(inner.ip) && net.contains(inner.last());
    }

    private static Value containsMatches(Value[] args) {
        Set<Value> result = new LinkedHashSet<>();
        matchTerms(1, args[0], (cidr1, key1) -> matchTerms(2, args[1], (cidr2, key2) -> {
            if (contains("net.cidr_contains_matches", cidr1, cidr2)) {
                result.add(ArrayValue.of(key1, key2));
            }
        }));
        return SetValue.of(result);
    }

    /**
     * Calls {@code each} with (CIDR or IP, key) for every entry of an operand of
     * net.cidr_contains_matches: a string is its own key; arrays, sets and objects give each element
     * (or its first item, when the element is an array) with its index, itself or its key.
     */
    private static void matchTerms(int operand, Value v, BiConsumer<Value, Value> each) {
        switch (v) {
            case StringValue s -> each.accept(s, s);
            case ArrayValue a -> {
                for (int i = 0; i < a.size(); i++) {
                    each.accept(matchTerm(operand, a.get(i)), NumberValue.of(i));
                }
            }
            case SetValue s -> s.elements().forEach(e -> each.accept(matchTerm(operand, e), e));
            case ObjectValue o -> {
                for (int i = 0; i < o.size(); i++) {
                    each.accept(matchTerm(operand, o.valueAt(i)), o.keyAt(i));
                }
            }
            default -> {
                // Other types match nothing (the type checker rejects them before evaluation).
            }
        }
    }

    private static Value matchTerm(int operand, Value element) {
        if (element instanceof StringValue) {
            return element;
        }
        if (element instanceof ArrayValue a && a.size() > 0) {
            return a.get(0);
        }
        throw BuiltinException.error("net.cidr_contains_matches: operand " + operand + ": element must be string or non-empty array");
    }

    // ---- net.cidr_expand ----

    private static Value expand(Value operand) {
        String text = Args.string("net.cidr_expand", new Value[] {operand}, 0);
        Cidr net = Cidr.parse(text);
        if (net == null) {
            throw BuiltinException.error("net.cidr_expand: invalid CIDR address: " + text);
        }
        BigInteger first = new BigInteger(1, net.ip);
        BigInteger count = new BigInteger(1, net.last()).subtract(first).add(BigInteger.ONE);
        if (count.compareTo(BigInteger.valueOf(MAX_EXPANDED_ADDRESSES)) > 0) {
            throw BuiltinException.error("net.cidr_expand: " + text + " has more than " + MAX_EXPANDED_ADDRESSES + " addresses");
        }
        List<Value> hosts = new ArrayList<>(count.intValue());
        byte[] ip = net.ip.clone();
        for (int i = 0; i < count.intValue(); i++) {
            hosts.add(StringValue.of(ipString(ip)));
            increment(ip);
        }
        return SetValue.of(hosts);
    }

    private static void increment(byte[] ip) {
        for (int j = ip.length - 1; j >= 0; j--) {
            if (++ip[j] != 0) {
                break;
            }
        }
    }

    // ---- net.cidr_merge ----

    /** An address range in the 128-bit space (IPv4 as ::ffff:a.b.c.d); {@code network} is set until merged. */
    private record Range(BigInteger first, BigInteger last, String network) {
    }

    private static Value merge(Value operand) {
        List<Value> elements = switch (operand) {
            case ArrayValue a -> a.items();
            case SetValue s -> s.elements();
            default -> throw BuiltinException.error("net.cidr_merge: operand must be an array");
        };
        List<Range> ranges = new ArrayList<>();
        for (Value e : elements) {
            ranges.add(mergeRange(e));
        }
        // Sort by last address, then first, and fold each range into its predecessor when they overlap or touch.
        ranges.sort(Comparator.comparing(Range::last).thenComparing(Range::first));
        for (int i = ranges.size() - 1; i > 0; i--) {
            Range cur = ranges.get(i);
            Range prev = ranges.get(i - 1);
            if (previous(cur.first).compareTo(prev.last) <= 0) {
                ranges.set(i - 1, new Range(cur.first.min(prev.first), cur.last, null));
                ranges.remove(i);
            }
        }
        Set<Value> out = new LinkedHashSet<>();
        for (Range range : ranges) {
            if (range.network != null) {
                out.add(StringValue.of(range.network));
            } else {
                rangeToCidrs(range.first, range.last, out);
            }
        }
        return SetValue.of(out);
    }

    /** The range an element of net.cidr_merge's operand covers; a bare IPv4 address stands for its classful network. */
    private static Range mergeRange(Value element) {
        if (!(element instanceof StringValue s)) {
            throw BuiltinException.error("net.cidr_merge: element must be string");
        }
        byte[] ip = parseIp(s.value());
        if (ip != null) {
            byte[] v4 = to4(ip);
            if (v4 == null) {
                throw BuiltinException.error("net.cidr_merge: IPv6 invalid: needs prefix length");
            }
            int prefix = (v4[0] & 0xff) < 0x80 ? 8 : (v4[0] & 0xff) < 0xc0 ? 16 : 24;
            Cidr net = new Cidr(v4, prefixMask(prefix, 4));
            // OPA prints such a network unmasked when nothing merges it: "10.1.2.3" gives "10.1.2.3/8".
            return new Range(toV6Space(net.masked()), toV6Space(net.last()), ipString(v4) + "/" + prefix);
        }
        Cidr net = Cidr.parse(s.value());
        if (net == null) {
            throw BuiltinException.error("net.cidr_merge: invalid CIDR address: " + s.value());
        }
        return new Range(toV6Space(net.ip), toV6Space(net.last()), net.toString());
    }

    /** The address before {@code ip}, except that 0.0.0.0 and :: have none and stay as they are. */
    private static BigInteger previous(BigInteger ip) {
        return ip.signum() == 0 || ip.equals(V4_MAPPED) ? ip : ip.subtract(BigInteger.ONE);
    }

    /** Adds the fewest CIDR blocks that exactly cover [first, last], each the largest aligned block that fits. */
    private static void rangeToCidrs(BigInteger first, BigInteger last, Set<Value> out) {
        BigInteger lo = first;
        while (lo.compareTo(last) <= 0) {
            int size = lo.signum() == 0 ? 128 : lo.getLowestSetBit();
            while (lo.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(last) > 0) {
                size--;
            }
            out.add(StringValue.of(cidrString(toBytes(lo, 16), 128 - size)));
            lo = lo.add(BigInteger.ONE.shiftLeft(size));
        }
    }

    /** A block of the 128-bit space as Go prints it: IPv4-mapped blocks as IPv4 CIDRs. */
    private static String cidrString(byte[] ip16, int prefix) {
        return ipString(ip16) + "/" + (to4(ip16) != null ? prefix - 96 : prefix);
    }

    private static BigInteger toV6Space(byte[] ip) {
        BigInteger n = new BigInteger(1, ip);
        return ip.length == 4 ? n.add(V4_MAPPED) : n;
    }

    private static byte[] toBytes(BigInteger n, int length) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    // ---- networks ----

    private static Cidr cidrOperand(String fn, Value v) {
        String text = Args.string(fn, new Value[] {v}, 0);
        Cidr net = Cidr.parse(text);
        if (net == null) {
            throw BuiltinException.error(fn + ": invalid CIDR address: " + text);
        }
        return net;
    }

    /**
     * A network as Go compares it: {@code ip} (already masked) and {@code mask} are both 4 bytes
     * for an IPv4 network — including one written as IPv4-mapped IPv6 with a prefix of 96 or more —
     * and 16 bytes otherwise.
     */
    private record Cidr(byte[] ip, byte[] mask) {

        /** The network of "address/prefix", or null if the text is not one. */
        static Cidr parse(String s) {
            int slash = s.indexOf('/');
            if (slash < 0) {
                return null;
            }
            String addr = s.substring(0, slash);
            String prefixText = s.substring(slash + 1);
            byte[] ip = parseIp(addr);
            int bits = isIpv4Text(addr) ? 32 : 128;
            int prefix = parsePrefix(prefixText);
            if (ip == null || prefix < 0 || prefix > bits) {
                return null;
            }
            byte[] mask = prefixMask(prefix, bits / 8);
            if (bits == 32) {
                ip = to4(ip);
            } else {
                byte[] masked = new Cidr(ip, mask).masked();
                if (to4(masked) != null) {
                    return new Cidr(to4(masked), Arrays.copyOfRange(mask, 12, 16));
                }
            }
            return new Cidr(new Cidr(ip, mask).masked(), mask);
        }

        byte[] masked() {
            byte[] out = new byte[ip.length];
            for (int i = 0; i < ip.length; i++) {
                out[i] = (byte) (ip[i] & mask[i]);
            }
            return out;
        }

        /** The network's last address: all host bits set. */
        byte[] last() {
            byte[] out = new byte[ip.length];
            for (int i = 0; i < ip.length; i++) {
                out[i] = (byte) (ip[i] | ~mask[i]);
            }
            return out;
        }

        /** Whether the address (4 or 16 bytes) is in this network; families never mix. */
        boolean contains(byte[] address) {
            byte[] a = to4(address) != null ? to4(address) : address;
            if (a.length != ip.length) {
                return false;
            }
            for (int i = 0; i < a.length; i++) {
                if ((a[i] & mask[i]) != (ip[i] & mask[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return ipString(ip) + "/" + prefixLength(mask);
        }
    }

    /** Decimal digits only (leading zeros allowed, as Go allows them); -1 if invalid or absurdly large. */
    private static int parsePrefix(String digits) {
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
            if (n >= 0xFFFFFF) {
                return -1;
            }
        }
        return digits.isEmpty() ? -1 : n;
    }

    private static byte[] prefixMask(int prefix, int bytes) {
        byte[] mask = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            int ones = Math.max(0, Math.min(8, prefix - 8 * i));
            mask[i] = (byte) (0xff00 >> ones);
        }
        return mask;
    }

    private static int prefixLength(byte[] mask) {
        int n = 0;
        for (byte b : mask) {
            n += Integer.bitCount(b & 0xff);
        }
        return n;
    }

    // ---- addresses ----

    /** The address as 4 bytes if it is IPv4 or IPv4-mapped IPv6, else null. */
    private static byte[] to4(byte[] ip) {
        if (ip.length == 4) {
            return ip;
        }
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return null;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff ? Arrays.copyOfRange(ip, 12, 16) : null;
    }

    /** True when Go would parse the text as an IPv4 address: its first '.' or ':' is a '.'. */
    private static boolean isIpv4Text(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' || c == ':') {
                return c == '.';
            }
        }
        return false;
    }

    /** The 16-byte form of an IPv4 or IPv6 address (IPv4 as ::ffff:a.b.c.d), or null if invalid. */
    private static byte[] parseIp(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                byte[] v4 = new byte[4];
                return parseIpv4(s, v4, 0) ? mapped(v4) : null;
            }
            if (c == ':') {
                return parseIpv6(s);
            }
            if (c == '%') {
                return null;
            }
        }
        return null;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] ip = new byte[16];
        ip[10] = (byte) 0xff;
        ip[11] = (byte) 0xff;
        System.arraycopy(v4, 0, ip, 12, 4);
        return ip;
    }

    /** Parses dotted decimal into out[at..at+3]: four fields of 1-3 digits, at most 255, no leading zeros. */
    private static boolean parseIpv4(String s, byte[] out, int at) {
        int field = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) {
                    return false;
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (digits == 0 || i == s.length() - 1 || field == 3) {
                    return false;
                }
                out[at + field++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return false;
            }
        }
        if (field < 3 || digits == 0) {
            return false;
        }
        out[at + 3] = (byte) value;
        return true;
    }

    /** Parses IPv6 text (with "::" and an optional trailing dotted IPv4 part; zones are refused). */
    private static byte[] parseIpv6(String s) {
        if (s.indexOf('%') >= 0) {
            return null;
        }
        byte[] ip = new byte[16];
        int ellipsis = -1;
        int pos = 0;
        if (s.startsWith("::")) {
            ellipsis = 0;
            pos = 2;
            if (pos == s.length()) {
                return ip;
            }
        }
        int i = 0;
        while (i < 16) {
            int start = pos;
            int acc = 0;
            while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0 && s.charAt(pos) < 0x80) {
                if (pos - start == 4) {
                    return null;
                }
                acc = (acc << 4) | Character.digit(s.charAt(pos), 16);
                pos++;
            }
            if (pos == start) {
                return null;
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                // A dotted IPv4 tail fills the last four bytes.
                if ((ellipsis < 0 && i != 12) || i + 4 > 16 || !parseIpv4(s.substring(start), ip, i)) {
                    return null;
                }
                i += 4;
                pos = s.length();
                break;
            }
            ip[i++] = (byte) (acc >> 8);
            ip[i++] = (byte) acc;
            if (pos == s.length()) {
                break;
            }
            if (s.charAt(pos) != ':' || pos + 1 == s.length()) {
                return null;
            }
            pos++;
            if (s.charAt(pos) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                pos++;
                if (pos == s.length()) {
                    break;
                }
            }
        }
        if (pos != s.length()) {
            return null;
        }
        if (i < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int n = 16 - i;
            System.arraycopy(ip, ellipsis, ip, ellipsis + n, i - ellipsis);
            Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
        } else if (ellipsis >= 0) {
            return null; // "::" must stand for at least one group of zeros
        }
        return ip;
    }

    /** Go's text form: dotted decimal for IPv4 (and IPv4-mapped), else RFC 5952 style with the longest zero run as "::". */
    private static String ipString(byte[] ip) {
        byte[] v4 = to4(ip);
        if (v4 != null) {
            return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
        }
        int bestStart = -1;
        int bestEnd = -1;
        for (int i = 0; i < 16; i += 2) {
            int j = i;
            while (j < 16 && ip[j] == 0 && ip[j + 1] == 0) {
                j += 2;
            }
            if (j > i && j - i > bestEnd - bestStart) {
                bestStart = i;
                bestEnd = j;
                i = j;
            }
        }
        if (bestEnd - bestStart <= 2) {
            bestStart = -1;
            bestEnd = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i == bestStart) {
                sb.append("::");
                i = bestEnd - 2;
                continue;
            }
            if (i > 0 && sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff)));
        }
        return sb.toString();
    }
}
