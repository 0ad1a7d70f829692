package io.writ.rego.value;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Strings order as OPA's do: by UTF-8 bytes, which is code point order, not Java's UTF-16 order. */
class StringOrderTest {

    private static int utf8Order(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void supplementaryCharactersSortAfterHighBmpCharacters() {
        StringValue emoji = StringValue.of("\uD83D\uDE00"); // U+1F600
        StringValue highBmp = StringValue.of("\uFF21");     // U+FF21, above the surrogates in UTF-16
        assertThat(emoji.compareTo(highBmp)).isPositive();  // UTF-16 order would say negative
        assertThat(StringValue.of("a").compareTo(StringValue.of("b"))).isNegative();
    }

    @Test
    void agreesWithUtf8ByteOrderOnRandomStrings() {
        Random r = new Random(11);
        int[] pool = {'a', 'z', 'é', 0x4E2D, 0xD7FF, 0xE000, 0xFF21, 0x1F600, 0x10000};
        for (int i = 0; i < 20_000; i++) {
            String a = random(r, pool);
            String b = random(r, pool);
            assertThat(Integer.signum(StringValue.of(a).compareTo(StringValue.of(b)))).as(a + " vs " + b)
                    .isEqualTo(Integer.signum(utf8Order(a, b)));
        }
    }

    private static String random(Random r, int[] pool) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(pool[r.nextInt(pool.length)]);
        }
        return sb.toString();
    }

    @Test
    void objectLookupsFindEveryKey() {
        ObjectValue o = ObjectValue.of(StringValue.of("\uD83D\uDE00"), NumberValue.of(1), StringValue.of("\uFF21"),
                NumberValue.of(2), StringValue.of("b"), NumberValue.of(3), NumberValue.of(7), NumberValue.of(4));
        assertThat(o.get("\uD83D\uDE00")).isEqualTo(NumberValue.of(1));
        assertThat(o.get("\uFF21")).isEqualTo(NumberValue.of(2));
        assertThat(o.get("b")).isEqualTo(NumberValue.of(3));
        assertThat(o.get(NumberValue.of(7))).isEqualTo(NumberValue.of(4));
        assertThat(o.get("c")).isNull();
    }
}
