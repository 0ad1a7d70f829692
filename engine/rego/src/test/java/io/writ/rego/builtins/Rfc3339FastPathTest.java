package io.writ.rego.builtins;

import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct RFC 3339 reader must agree with the general Go-layout parser on every input it accepts. */
class Rfc3339FastPathTest {
    private static final Builtin GENERAL = Registry.standard().get("time.parse_ns");
    private static final BuiltinContext CTX = BuiltinContext.fixed(0);

    private static Value general(String s) {
        return GENERAL.impl().call(CTX, new Value[] {StringValue.of("2006-01-02T15:04:05Z07:00"), StringValue.of(s)});
    }

    @Test
    void agreesWithTheGeneralParserOnRandomTimestamps() {
        Random r = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            String frac = switch (r.nextInt(3)) {
                case 0 -> "";
                case 1 -> "." + (1 + r.nextInt(999));
                default -> String.format(".%09d", r.nextInt(1_000_000_000));
            };
            String zone = r.nextBoolean() ? "Z" : String.format("%s%02d:%02d", r.nextBoolean() ? "+" : "-", r.nextInt(15), r.nextInt(60));
            String s = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", 1700 + r.nextInt(500), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), frac, zone);
            Value fast = Time.rfc3339Fast(s);
            assertThat(fast).as(s).isNotNull();
            assertThat(fast).as(s).isEqualTo(general(s));
        }
    }

    @Test
    void leavesEverythingUnusualToTheGeneralParser() {
        for (String s : new String[] {"2025-02-30T00:00:00Z", "2025-07-31 00:00:00Z", "2025-07-31T24:00:00Z",
                "2025-07-31T00:00:00", "2025-07-31T00:00:00.Z", "2025-07-31T00:00:00+0100", "0001-01-01T00:00:00Z",
                "2025-07-31T0a:00:00Z", "2025-07-31T00:00:00.1234567891Z"}) {
            assertThat(Time.rfc3339Fast(s)).as(s).isNull();
        }
    }
}
