package io.writ.rego.value;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonParseTest {
    @Test
    void bytesReadAsTheirTextReads() {
        String text = "[{\"b\": 1.50, \"a\": \"größe 😀 \\u00e9\", \"n\": 123456789012345678901234567890}, null, true, []]";
        Value fromBytes = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        assertThat(fromBytes).isEqualTo(Json.parse(text));
        assertThat(fromBytes.toJsonString()).isEqualTo(Json.parse(text).toJsonString());
    }

    @Test
    void malformedUtf8AndTrailingContentAreRefusedWithWhere() {
        byte[] bad = {'[', '"', (byte) 0xC3, '"', ']'}; // a lead byte with no continuation
        assertThatThrownBy(() -> Json.parse(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Json.parse("[1] 2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1, column");
    }

    @Test
    void shortStringsAndKeysAreSharedLongOnesAreNot() {
        String longText = "x".repeat(Json.SHARED_MAX_LENGTH + 1);
        ArrayValue a = (ArrayValue) Json.parse("[{\"service\": \"storage\"}, {\"service\": \"storage\"}, \"" + longText
                + "\", \"" + longText + "\"]");
        ObjectValue first = (ObjectValue) a.get(0);
        ObjectValue second = (ObjectValue) a.get(1);
        assertThat(first.keyAt(0)).isSameAs(second.keyAt(0));
        assertThat(first.valueAt(0)).isSameAs(second.valueAt(0));
        assertThat(a.get(2)).isEqualTo(a.get(3)).isNotSameAs(a.get(3));
    }
}
