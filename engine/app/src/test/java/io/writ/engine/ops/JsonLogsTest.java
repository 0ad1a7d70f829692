package io.writ.engine.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's logback.xml: plain lines by default, one JSON object per line with WRIT_LOG_FORMAT=json. */
class JsonLogsTest {

    /** Configures a fresh logback context from the service's logback.xml and returns what one log call prints. */
    private static String logOnce(String format) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            if (format != null) {
                ctx.putProperty("WRIT_LOG_FORMAT", format); // as the environment variable would
            }
            JoranConfigurator config = new JoranConfigurator();
            config.setContext(ctx);
            config.doConfigure(JsonLogsTest.class.getResource("/logback.xml"));
            assertThat(ctx.getStatusManager().getCopyOfStatusList())
                    .as("logback configured without warnings").allMatch(st -> st.getLevel() == Status.INFO);
            ctx.getLogger("io.writ.engine.Example").info("policy bundle {} revision '{}' active", "classpath:x", "r1");
        } finally {
            ctx.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void jsonWhenAsked() throws Exception {
        String out = logOnce("json");
        assertThat(out.lines()).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(out);
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("loggerName").asText()).isEqualTo("io.writ.engine.Example");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("policy bundle classpath:x revision 'r1' active");
        assertThat(line.has("timestamp")).isTrue();
    }

    @Test
    void textByDefault() throws Exception {
        for (String format : new String[]{null, "text"}) {
            String out = logOnce(format);
            assertThat(out).contains(" INFO ").endsWith("io.writ.engine.Example - policy bundle classpath:x revision 'r1' active");
            assertThat(out).doesNotStartWith("{");
        }
    }
}
