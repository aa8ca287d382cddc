package io.driftdeploy.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** jackson-core reading and writing what the functions handle, byte for byte as ObjectMapper does. */
class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    enum Colour { RED, GREEN }

    record Step(String name, int attempts, List<String> groups) {
    }

    private static final String DOCUMENTS = """
            {"a":1,"b":-2147483649,"c":123456789012345678901234567890,"d":1.5,"e":1e400,"f":0.1,"g":-0.0,
             "h":"t\\u00e9xt \\"quoted\\" \\n line","i":true,"j":false,"k":null,"l":[],"m":{},"n":[1,[2,{"o":[]}]],
             "p":9223372036854775807,"q":2147483647,"r":1E-7,"s":"\\ud83d\\ude00"}
            """;

    private static Map<String, Object> values() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("null", null);
        nested.put("list", List.of(1, 2L, 3.25, "four", false));
        nested.put("set", new LinkedHashSet<>(List.of("x", "y")));
        Map<Object, Object> keys = new LinkedHashMap<>();
        keys.put(Colour.RED, "enum key");
        keys.put(7, "number key");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("text", "héllo \"quoted\" \\ \n\t\u0001 \ud83d\ude00 </script>");
        all.put("int", Integer.MIN_VALUE);
        all.put("long", Long.MAX_VALUE);
        all.put("short", (short) 12);
        all.put("double", 0.1 + 0.2);
        all.put("bigDouble", 1.0e300);
        all.put("nan", Double.NaN);
        all.put("infinity", Double.POSITIVE_INFINITY);
        all.put("float", 1.1f);
        all.put("decimal", new BigDecimal("12345678901234567890.000100"));
        all.put("integer", new BigInteger("123456789012345678901234567890"));
        all.put("atomic", new AtomicInteger(5));
        all.put("boolean", true);
        all.put("enum", Colour.GREEN);
        all.put("nested", nested);
        all.put("keys", keys);
        all.put("empty", Map.of());
        all.put("array", new String[] {"a", "b"});
        all.put("record", new Step("claim", 3, List.of("web")));
        all.put("tree", readTreeUnchecked(DOCUMENTS));
        return all;
    }

    @Test
    void writesWhatTheMapperWrites() throws IOException {
        Map<String, Object> values = values();

        assertThat(Json.PLAIN.write(values)).isEqualTo(MAPPER.writeValueAsString(values));
        for (Object value : values.values()) {
            assertThat(Json.PLAIN.write(value)).as(String.valueOf(value)).isEqualTo(MAPPER.writeValueAsString(value));
        }
    }

    @Test
    void writesIndentedWhatTheMapperWritesAndLeavesTheStreamOpen() throws IOException {
        ObjectMapper results = new ObjectMapper().registerModule(new Jdk8Module()).registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        Json.Writer writer = new Json.Writer(() -> results);
        Map<String, Object> values = new LinkedHashMap<>(values());
        values.put("at", Instant.parse("2026-12-02T18:30:00.123Z"));
        values.put("present", Optional.of(List.of(1)));
        values.put("absent", Optional.empty());

        ClosingWatched ours = new ClosingWatched();
        writer.writePretty(ours, values);
        ClosingWatched theirs = new ClosingWatched();
        results.writerWithDefaultPrettyPrinter().writeValue(theirs, values);

        assertThat(ours.toString(StandardCharsets.UTF_8)).isEqualTo(theirs.toString(StandardCharsets.UTF_8)).contains("\n  \"");
        assertThat(ours.closed).isFalse();
    }

    @Test
    void plainValuesAreWhatTheMapperConvertsTo() {
        Map<String, Object> values = values();
        values.remove("tree");  // a tree is JSON already: the mapper keeps it a tree, which is written the same
        values.remove("array");  // the mapper makes it a List, the writer writes it as one

        assertThat(Json.PLAIN.plainValue(values)).isEqualTo(MAPPER.convertValue(values, Object.class));
    }

    @Test
    void theMapperIsBuiltOnlyForAValueOfAnotherTypeThanJsons() {
        int[] built = {0};
        Json.Writer writer = new Json.Writer(() -> {
            built[0]++;
            return new ObjectMapper();
        });

        writer.write(Map.of("text", "a", "list", List.of(1, 2.5, true), "enum", Colour.RED, "tree", readTreeUnchecked("{\"a\":[1]}")));
        writer.plainValue(Map.of("list", List.of(Colour.GREEN, 1)));
        assertThat(built[0]).isZero();

        writer.write(List.of(new Step("a", 1, List.of())));
        writer.write(Instant.EPOCH.toString().toCharArray());
        assertThat(built[0]).isOne();
    }

    @Test
    void aValueTheMapperCannotWriteIsRefusedSayingWhy() {
        Map<String, Object> line = Map.of("group", Optional.of("web"));

        assertThatThrownBy(() -> MAPPER.writeValueAsString(line)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> Json.PLAIN.write(line)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not writable as JSON").hasMessageContaining("Optional");
    }

    @Test
    void aMapWithANullKeyIsRefusedAsByTheMapper() {
        Map<String, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, 1);

        assertThatThrownBy(() -> MAPPER.writeValueAsString(nullKey)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> Json.PLAIN.write(nullKey)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null key");
    }

    @Test
    void readsTheTreesTheMapperReads() throws IOException {
        JsonMapper strict = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        for (String json : List.of(DOCUMENTS, "[1,2]", "\"text\"", "12", " ", "", "{\"a\":{\"a\":1}}")) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(Json.readStrictTree(bytes)).as(json).isEqualTo(strict.readTree(bytes));
            assertThat(Json.readTree(json)).as(json).isEqualTo(MAPPER.readTree(json));
        }
        assertThat(Json.readTree("{\"a\":1,\"a\":2} trailing")).isEqualTo(MAPPER.readTree("{\"a\":1,\"a\":2} trailing"));
    }

    @Test
    void strictReadingRefusesWhatTheStrictMapperRefuses() {
        JsonMapper strict = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        for (String json : List.of("{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{} {}", "{}x", "{\"a\":", "{\"a\" 1}",
                "[1,]", "{'a':1}", "{\"a\":01}", "nul")) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> strict.readTree(bytes)).as("the mapper, " + json).isInstanceOf(JacksonException.class);
            assertThatThrownBy(() -> Json.readStrictTree(bytes)).as(json).isInstanceOf(JacksonException.class);
        }
        assertThatThrownBy(() -> Json.readStrictTree("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void readsThePlainValuesTheMapperReads() throws IOException {
        byte[] bytes = DOCUMENTS.getBytes(StandardCharsets.UTF_8);

        Object ours = Json.readValue(bytes);
        Object theirs = MAPPER.readValue(bytes, Map.class);
        assertThat(ours).isEqualTo(theirs);
        assertThat(types(ours)).isEqualTo(types(theirs));
        assertThatThrownBy(() -> Json.readValue(new byte[0])).isInstanceOf(JacksonException.class);
    }

    /** Each value's class, so that Integer, Long and BigInteger are not taken for each other. */
    private static Object types(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> types = new LinkedHashMap<>();
            map.forEach((key, element) -> types.put(key, types(element)));
            return types;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JsonTest::types).toList();
        }
        return value == null ? "null" : value.getClass().getName();
    }

    private static com.fasterxml.jackson.databind.JsonNode readTreeUnchecked(String json) {
        try {
            return Json.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final class ClosingWatched extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
