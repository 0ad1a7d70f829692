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
}
