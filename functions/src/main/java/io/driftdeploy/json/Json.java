package io.driftdeploy.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * JSON read and written with jackson-core, as Jackson's {@code ObjectMapper} reads and writes the
 * values the functions handle, without building one: the mapper's class initialisation alone (its
 * default date format, the JDK's locale data with it) and its first serializers cost about 45 ms
 * of every cold start (docs/performance.md), for documents that are maps, lists, text, numbers and
 * booleans. Trees are databind's own {@link JsonNode}s, built with its {@link JsonNodeFactory},
 * which needs no mapper. A value of any other type (a record, an {@code Optional}, a time) is
 * written by the mapper its caller names, created on first need, so such output is the mapper's.
 * {@code JsonTest} checks the output against the mapper's, value for value.
 */
public final class Json {

    /** Documents whose meaning depends on which duplicate key a parser keeps are refused. */
    private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** As {@code new ObjectMapper().readTree}: the last duplicate wins, content after the value is not read. */
    private static final JsonFactory LENIENT = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Writes as {@code new ObjectMapper()} does. */
    public static final Writer PLAIN = new Writer(ObjectMapper::new);

    private Json() {
    }

    /**
     * The tree of one JSON document that holds each key once per object and nothing after its value
     * (a {@link JsonParseException} otherwise); {@link MissingNode} for an empty one.
     */
    public static JsonNode readStrictTree(byte[] json) throws IOException {
        try (JsonParser parser = STRICT.createParser(json)) {
            JsonNode tree = tree(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after value: not allowed");
            }
            return tree;
        }
    }

    /** The tree of the first JSON value in {@code json}, as {@code new ObjectMapper().readTree} reads it. */
    public static JsonNode readTree(String json) throws IOException {
        try (JsonParser parser = LENIENT.createParser(json)) {
            return tree(parser);
        }
    }

    /** A JSON document as plain values, as {@code new ObjectMapper().readValue(json, Map.class)} reads one. */
    public static Object readValue(byte[] json) throws IOException {
        try (JsonParser parser = LENIENT.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new JsonParseException(parser, "No content to map due to end-of-input");
            }
            return plain(parser);
        }
    }

    private static JsonNode tree(JsonParser parser) throws IOException {
        return parser.nextToken() == null ? MissingNode.getInstance() : node(parser);
    }

    private static JsonNode node(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.set(name, node(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                    ? NODES.numberNode(parser.getDecimalValue())
                    : NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(parser, "Unexpected token " + parser.currentToken());
        };
    }

    private static Object plain(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, plain(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(plain(parser));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "Unexpected token " + parser.currentToken());
        };
    }

    /** Writes values as {@code mapper} would, building {@code mapper} only for a value of another type than JSON's own. */
    public static final class Writer {
        private final Supplier<ObjectMapper> mapper;
        private volatile ObjectMapper built;

        /** @param mapper the mapper for values of other types; called at most once, on first need */
        public Writer(Supplier<ObjectMapper> mapper) {
            this.mapper = mapper;
        }

        /**
         * {@code value} as compact JSON, as {@code mapper.writeValueAsString}; a value the mapper
         * cannot write either is an {@link IllegalArgumentException} saying why.
         */
        public String write(Object value) {
            StringWriter text = new StringWriter();
            try (JsonGenerator generator = LENIENT.createGenerator(text)) {
                value(generator, value);
            } catch (JsonProcessingException notWritable) {
                throw new IllegalArgumentException("not writable as JSON: " + notWritable.getOriginalMessage(), notWritable);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write JSON", e);
            }
            return text.toString();
        }

        /**
         * {@code value} as indented JSON to {@code output}, which stays open, as
         * {@code mapper.writerWithDefaultPrettyPrinter().writeValue} with AUTO_CLOSE_TARGET disabled.
         */
        public void writePretty(OutputStream output, Object value) throws IOException {
            try (JsonGenerator generator = LENIENT.createGenerator(output)) {
                generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                generator.setPrettyPrinter(new DefaultPrettyPrinter());
                value(generator, value);
            }
        }

        /**
         * {@code value} with every value of another type than JSON's own replaced by the plain values
         * the mapper writes it as: as {@code mapper.convertValue(value, Object.class)}.
         */
        public Object plainValue(Object value) {
            if (isPlain(value)) {
                return value;
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((key, element) -> copy.put(key(key), plainValue(element)));
                return copy;
            }
            if (value instanceof Collection<?> collection) {
                List<Object> copy = new ArrayList<>();
                collection.forEach(element -> copy.add(plainValue(element)));
                return copy;
            }
            if (value instanceof Enum<?> constant) {
                return constant.name();
            }
            return mapper().convertValue(value, Object.class);
        }

        private void value(JsonGenerator generator, Object value) throws IOException {
            switch (value) {
                case null -> generator.writeNull();
                case String text -> generator.writeString(text);
                case Boolean bool -> generator.writeBoolean(bool);
                case Integer number -> generator.writeNumber(number);
                case Long number -> generator.writeNumber(number);
                case Double number -> generator.writeNumber(number);
                case Float number -> generator.writeNumber(number);
                case Short number -> generator.writeNumber(number);
                case BigDecimal number -> generator.writeNumber(number);
                case BigInteger number -> generator.writeNumber(number);
                case Enum<?> constant -> generator.writeString(constant.name());
                case Map<?, ?> map -> {
                    generator.writeStartObject();
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        generator.writeFieldName(key(entry.getKey()));
                        value(generator, entry.getValue());
                    }
                    generator.writeEndObject();
                }
                case Collection<?> collection -> {
                    generator.writeStartArray();
                    for (Object element : collection) {
                        value(generator, element);
                    }
                    generator.writeEndArray();
                }
                case JsonNode node -> node(generator, node);
                default -> mapper().writeValue(generator, value);
            }
        }

        private static void node(JsonGenerator generator, JsonNode node) throws IOException {
            switch (node.getNodeType()) {
                case OBJECT -> {
                    generator.writeStartObject();
                    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                        Map.Entry<String, JsonNode> field = fields.next();
                        generator.writeFieldName(field.getKey());
                        node(generator, field.getValue());
                    }
                    generator.writeEndObject();
                }
                case ARRAY -> {
                    generator.writeStartArray();
                    for (JsonNode element : node) {
                        node(generator, element);
                    }
                    generator.writeEndArray();
                }
                case STRING -> generator.writeString(node.textValue());
                case NUMBER -> {
                    switch (node.numberType()) {
                        case INT -> generator.writeNumber(node.intValue());
                        case LONG -> generator.writeNumber(node.longValue());
                        case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                        case FLOAT -> generator.writeNumber(node.floatValue());
                        case DOUBLE -> generator.writeNumber(node.doubleValue());
                        case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
                    }
                }
                case BOOLEAN -> generator.writeBoolean(node.booleanValue());
                case NULL, MISSING -> generator.writeNull();
                default -> throw new IllegalArgumentException("not writable as JSON: a " + node.getNodeType() + " node");
            }
        }

        /** A map key as the mapper writes it: an enum's name, anything else's text. */
        private static String key(Object key) {
            if (key == null) {
                throw new IllegalArgumentException("a map with a null key is not writable as JSON");
            }
            return key instanceof Enum<?> constant ? constant.name() : key.toString();
        }

        private static boolean isPlain(Object value) {
            return value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                    || value instanceof Long || value instanceof Double || value instanceof Float
                    || value instanceof BigDecimal || value instanceof BigInteger;
        }

        private ObjectMapper mapper() {
            ObjectMapper current = built;
            if (current == null) {
                synchronized (this) {
                    current = built;
                    if (current == null) {
                        current = mapper.get();
                        built = current;
                    }
                }
            }
            return current;
        }
    }
}
