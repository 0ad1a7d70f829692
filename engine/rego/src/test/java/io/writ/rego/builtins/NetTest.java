package io.writ.rego.builtins;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.BooleanValue;
import io.writ.rego.value.NullValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.SetValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

import static io.writ.rego.builtins.BuiltinCalls.call;
import static io.writ.rego.builtins.BuiltinCalls.fails;

class NetTest {

    private static Value str(String s) {
        return StringValue.of(s);
    }

    private static ArrayValue strings(String... items) {
        return ArrayValue.of(Arrays.stream(items).map(StringValue::of).toList());
    }

    private static SetValue stringSet(String... items) {
        return SetValue.of(Arrays.stream(items).map(StringValue::of).toList());
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.1.2.3, true",
            "10.0.0.0/8, 11.1.2.3, false",
            "10.0.0.0/8, 10.1.0.0/16, true",
            "10.0.0.0/16, 10.0.0.0/8, false",
            "10.0.0.0/8, 10.0.0.0/8, true",
            "192.168.1.5/24, 192.168.1.200, true",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "2001:db8::/32, 2001:db8:1::/48, true",
            "0.0.0.0/0, 255.255.255.255, true",
            // IPv4 and IPv6 never contain each other, even ::/0 ...
            "::/0, 1.2.3.4, false",
            "0.0.0.0/0, ::1, false",
            // ... but IPv4-mapped IPv6 addresses are IPv4 addresses.
            "10.0.0.0/8, ::ffff:10.1.2.3, true",
            "::ffff:10.0.0.0/104, 10.9.9.9, true",
            "::ffff:10.0.0.0/104, 11.0.0.0, false",
    })
    void cidrContains(String cidr, String inner, boolean expected) {
        assertThat(call("net.cidr_contains", str(cidr), str(inner))).isEqualTo(BooleanValue.of(expected));
    }

    @Test
    void cidrContainsErrors() {
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_contains: invalid CIDR address: 10.0.0.0",
                "net.cidr_contains", str("10.0.0.0"), str("10.0.0.1"));
        fails(BuiltinException.Kind.BUILTIN,
                "net.cidr_contains: not a valid textual representation of an IP address or CIDR: example.com",
                "net.cidr_contains", str("10.0.0.0/8"), str("example.com"));
        fails(BuiltinException.Kind.TYPE, "net.cidr_contains: operand 1 must be string but got number",
                "net.cidr_contains", NumberValue.of(1), str("10.0.0.1"));
        // OPA names the second operand "operand 1" too.
        fails(BuiltinException.Kind.TYPE, "net.cidr_contains: operand 1 must be string but got number",
                "net.cidr_contains", str("10.0.0.0/8"), NumberValue.of(1));
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.1.0.0/16, true",
            "10.1.0.0/16, 10.0.0.0/8, true",
            "10.0.0.0/16, 10.1.0.0/16, false",
            "192.168.1.0/25, 192.168.1.64/26, true",
            "fd1e:5bfe:8af3:9ddc::/64, fd1e:5bfe:8af3:9ddc:1111::/72, true",
            "fd1e:5bfe:8af3:9ddc::/64, fd1e:5bfe:8af3:9ddd::/64, false",
            "::/0, 0.0.0.0/0, false",
    })
    void cidrIntersects(String a, String b, boolean expected) {
        assertThat(call("net.cidr_intersects", str(a), str(b))).isEqualTo(BooleanValue.of(expected));
    }

    @Test
    void cidrIntersectsErrors() {
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_intersects: invalid CIDR address: 10.0.0.0/33",
                "net.cidr_intersects", str("10.0.0.0/8"), str("10.0.0.0/33"));
        fails(BuiltinException.Kind.TYPE, "net.cidr_intersects: operand 1 must be string but got boolean",
                "net.cidr_intersects", str("10.0.0.0/8"), BooleanValue.of(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "192.168.0.1/32", "0.0.0.0/0", "10.0.0.0/08", "::/0", "2001:db8::/128", "::1/64",
            "::ffff:1.2.3.4/120", "1:2:3:4:5:6:7:8/64", "1:2:3:4:5:6:1.2.3.4/96", "1::8/64", "1:2:3:4:5:6:7::/112"})
    void validCidrs(String cidr) {
        assertThat(call("net.cidr_is_valid", str(cidr))).isEqualTo(BooleanValue.of(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "010.0.0.0/8", "256.0.0.0/8",
            "10.0.0/8", "10.0.0.0.0/8", "10..0.0/8", "::/129", "1:2:3:4:5:6:7:8:9/64", "12345::/16", "1::2::3/64", "fe80::1%eth0/64",
            "1:2:3:4:5:6:7:8::/64", "::1.2.3.4.5/64", "1:2:3:4:5:6:7:1.2.3.4/64", "localhost/8", "10.0.0.0/ 8", "\uff11.0.0.0/8"})
    void invalidCidrs(String cidr) {
        assertThat(call("net.cidr_is_valid", str(cidr))).isEqualTo(BooleanValue.of(false));
    }

    @Test
    void nonStringIsNotAValidCidr() {
        assertThat(call("net.cidr_is_valid", NumberValue.of(10))).isEqualTo(BooleanValue.of(false));
    }

    @Test
    void cidrExpand() {
        assertThat(call("net.cidr_expand", str("192.168.0.0/30")))
                .isEqualTo(stringSet("192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.3"));
        assertThat(call("net.cidr_expand", str("1.1.0.0/32"))).isEqualTo(stringSet("1.1.0.0"));
        assertThat(call("net.cidr_expand", str("192.168.0.7/31"))).isEqualTo(stringSet("192.168.0.6", "192.168.0.7"));
        assertThat(call("net.cidr_expand", str("2002::1234:abcd:ffff:c0a8:101/127")))
                .isEqualTo(stringSet("2002::1234:abcd:ffff:c0a8:100", "2002::1234:abcd:ffff:c0a8:101"));
        assertThat(call("net.cidr_expand", str("::ffff:10.0.0.1/127"))).isEqualTo(stringSet("10.0.0.0", "10.0.0.1"));
        assertThat(call("net.cidr_expand", str("255.255.255.254/31"))).isEqualTo(stringSet("255.255.255.254", "255.255.255.255"));
        assertThat(((SetValue) call("net.cidr_expand", str("10.0.0.0/12"))).size()).isEqualTo(Net.MAX_EXPANDED_ADDRESSES);
    }

    @Test
    void cidrExpandErrors() {
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_expand: invalid CIDR address: 192.168.0.0",
                "net.cidr_expand", str("192.168.0.0"));
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_expand: 10.0.0.0/11 has more than 1048576 addresses",
                "net.cidr_expand", str("10.0.0.0/11"));
        fails(BuiltinException.Kind.TYPE, "net.cidr_expand: operand 1 must be string but got null",
                "net.cidr_expand", NullValue.INSTANCE);
    }

    @Test
    void ipv6TextFormIsCanonical() {
        assertThat(call("net.cidr_expand", str("2001:0DB8:0000:0000:0000:0000:0000:0001/128"))).isEqualTo(stringSet("2001:db8::1"));
        assertThat(call("net.cidr_expand", str("1:0:0:2:0:0:0:3/128"))).isEqualTo(stringSet("1:0:0:2::3"));
        assertThat(call("net.cidr_expand", str("1:0:2:0:3:0:4:0/128"))).isEqualTo(stringSet("1:0:2:0:3:0:4:0"));
        assertThat(call("net.cidr_expand", str("::/128"))).isEqualTo(stringSet("::"));
        assertThat(call("net.cidr_expand", str("1::/128"))).isEqualTo(stringSet("1::"));
        assertThat(call("net.cidr_expand", str("::1.2.3.4/128"))).isEqualTo(stringSet("::102:304"));
    }

    @Test
    void cidrMerge() {
        assertThat(call("net.cidr_merge", strings("192.0.128.0/24", "192.0.129.0/24"))).isEqualTo(stringSet("192.0.128.0/23"));
        assertThat(call("net.cidr_merge", strings("192.0.128.0/24", "192.0.128.0/24"))).isEqualTo(stringSet("192.0.128.0/24"));
        assertThat(call("net.cidr_merge", strings("192.0.128.0/24", "0.0.0.0/0"))).isEqualTo(stringSet("0.0.0.0/0"));
        assertThat(call("net.cidr_merge", strings("192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31")))
                .isEqualTo(stringSet("192.0.2.112/29"));
        assertThat(call("net.cidr_merge", strings("192.0.129.0/24", "192.0.130.0/24")))
                .isEqualTo(stringSet("192.0.129.0/24", "192.0.130.0/24"));
        assertThat(call("net.cidr_merge", strings("192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31")))
                .isEqualTo(stringSet("192.0.2.112/31", "192.0.2.116/30"));
        assertThat(call("net.cidr_merge", strings("192.0.1.254/31", "192.0.2.0/28", "192.0.2.16/28", "192.0.2.32/28",
                "192.0.2.48/28", "192.0.2.64/28", "192.0.2.80/28", "192.0.2.96/28", "192.0.2.112/28", "192.0.2.128/28",
                "192.0.2.144/28", "192.0.2.160/28", "192.0.2.176/28", "192.0.2.192/28", "192.0.2.208/28", "192.0.2.224/28",
                "192.0.2.240/28", "192.0.3.0/28")))
                .isEqualTo(stringSet("192.0.1.254/31", "192.0.2.0/24", "192.0.3.0/28"));
        assertThat(call("net.cidr_merge", strings("::/0", "fe80::1/128"))).isEqualTo(stringSet("::/0"));
        assertThat(call("net.cidr_merge", strings("::/0", "::192.0.2.0/124", "ff00::101/128"))).isEqualTo(stringSet("::/0"));
        assertThat(call("net.cidr_merge", strings("fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25")))
                .isEqualTo(stringSet("192.0.2.0/23", "192.0.4.0/24", "fe80::/120"));
        assertThat(call("net.cidr_merge", strings("1.0.0.1/32", "1.0.0.2/32", "1.0.0.3/32", "1.0.0.4/32", "1.0.0.5/32")))
                .isEqualTo(stringSet("1.0.0.1/32", "1.0.0.2/31", "1.0.0.4/31"));
        assertThat(call("net.cidr_merge", strings("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64",
                "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"))).isEqualTo(stringSet("2601:600:8a80:207e::/64"));
        assertThat(call("net.cidr_merge", strings("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128")))
                .isEqualTo(stringSet("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"));
        assertThat(call("net.cidr_merge", ArrayValue.EMPTY)).isEqualTo(SetValue.EMPTY);
        assertThat(call("net.cidr_merge", stringSet("192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31")))
                .isEqualTo(stringSet("192.0.2.112/29"));
        // ::ffff:0:0/96 is IPv4's 0.0.0.0/0; like OPA, 0.0.0.0 is never merged with the address just below it.
        assertThat(call("net.cidr_merge", strings("::fffe:0:0/96", "::ffff:0:0/96"))).isEqualTo(stringSet("::fffe:0:0/96", "0.0.0.0/0"));
        assertThat(call("net.cidr_merge", strings("::fffd:0:0/96", "::fffe:0:0/96", "0.0.0.0/1", "128.0.0.0/1")))
                .isEqualTo(stringSet("::fffd:0:0/96", "::fffe:0:0/96", "0.0.0.0/0"));
        assertThat(call("net.cidr_merge", strings("::fffc:0:0/96", "::fffd:0:0/96"))).isEqualTo(stringSet("::fffc:0:0/95"));
        assertThat(call("net.cidr_merge", strings("::fffe:ffff:ffff/128", "0.0.0.0/0", "::1:0:0:0/128")))
                .isEqualTo(stringSet("::fffe:ffff:ffff/128", "0.0.0.0/0", "::1:0:0:0/128"));
    }

    @Test
    void cidrMergeReadsBareIpv4AddressesAsClassfulNetworks() {
        assertThat(call("net.cidr_merge", strings("192.0.2.112", "192.0.2.116/31", "192.0.2.118/31"))).isEqualTo(stringSet("192.0.2.0/24"));
        assertThat(call("net.cidr_merge", strings("192.0.128.0", "192.0.129.0"))).isEqualTo(stringSet("192.0.128.0/23"));
        // Left alone, such a network keeps its address unmasked, as OPA prints it.
        assertThat(call("net.cidr_merge", strings("10.1.2.3"))).isEqualTo(stringSet("10.1.2.3/8"));
        assertThat(call("net.cidr_merge", strings("172.16.5.4"))).isEqualTo(stringSet("172.16.5.4/16"));
        assertThat(call("net.cidr_merge", strings("10.1.2.3", "10.1.2.3"))).isEqualTo(stringSet("10.0.0.0/8"));
    }

    @Test
    void cidrMergeErrors() {
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_merge: invalid CIDR address: foo", "net.cidr_merge", strings("foo"));
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_merge: IPv6 invalid: needs prefix length",
                "net.cidr_merge", strings("2601:600:8a80:207e:a57d:7567:e2c9:e7b3"));
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_merge: element must be string",
                "net.cidr_merge", ArrayValue.of(NumberValue.of(1)));
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_merge: operand must be an array", "net.cidr_merge", str("10.0.0.0/8"));
    }

    @Test
    void cidrContainsMatches() {
        Value objects = ObjectValue.builder().put("x", str("1.1.1.128")).put("y", strings("1.1.254.254", "bar")).build();
        assertThat(call("net.cidr_contains_matches", ArrayValue.of(strings("1.1.0.0/16", "foo"), str("1.1.2.0/24")), objects))
                .isEqualTo(SetValue.of(ArrayValue.of(NumberValue.of(0), str("x")), ArrayValue.of(NumberValue.of(0), str("y"))));
        assertThat(call("net.cidr_contains_matches", str("1.1.1.0/24"), str("1.1.1.128")))
                .isEqualTo(SetValue.of(ArrayValue.of(str("1.1.1.0/24"), str("1.1.1.128"))));
        Value setElement = ArrayValue.of(str("1.1.2.0/24"), str("foo"), NumberValue.of(1));
        assertThat(call("net.cidr_contains_matches", SetValue.of(setElement, str("1.1.0.0/16")), objects))
                .isEqualTo(SetValue.of(ArrayValue.of(str("1.1.0.0/16"), str("x")), ArrayValue.of(str("1.1.0.0/16"), str("y"))));
        assertThat(call("net.cidr_contains_matches", NumberValue.of(1), str("1.1.1.1"))).isEqualTo(SetValue.EMPTY);
    }

    @Test
    void cidrContainsMatchesErrors() {
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_contains_matches: operand 2: element must be string or non-empty array",
                "net.cidr_contains_matches", str("1.1.1.0/24"), ArrayValue.of(ArrayValue.EMPTY));
        fails(BuiltinException.Kind.TYPE, "net.cidr_contains_matches: operand 1 must be string but got number",
                "net.cidr_contains_matches", ArrayValue.of(ArrayValue.of(NumberValue.of(1))), str("1.1.1.1"));
        fails(BuiltinException.Kind.BUILTIN, "net.cidr_contains_matches: invalid CIDR address: 1.1.1.1",
                "net.cidr_contains_matches", str("1.1.1.1"), str("1.1.1.1"));
    }
}
