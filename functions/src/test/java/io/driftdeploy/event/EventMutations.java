package io.driftdeploy.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The samples in {@code events/}, mutated at random: huge strings, wrong types, extreme numbers and
 * timestamps, path segments and junk in ARNs, missing fields, also inside an SNS message. Shared by
 * the parser fuzz test and the handler fuzz test on the emulator, so both break events the same way.
 *
 * <p>Plain seeded {@link Random}, not a property-testing library: jqwik, the obvious choice, asks
 * from 1.10 on not to be used with AI coding agents, and this project respects that. One seed is one
 * try, so a failure names the seed that reproduces it.
 */
public final class EventMutations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SNS_MESSAGE = "Message";

    /** One mutation: what replaces the value at a path (null removes it). */
    public record Mutation(String kind, JsonNode replacement) {
    }

    /** A sample, the mutations applied to it in turn, and where (an index into its paths, modulo their number). */
    public record Mutated(String file, String function, List<Mutation> mutations, List<Integer> where,
                          boolean insideSnsMessage) {
        @Override
        public String toString() {
            return file + " " + mutations.stream().map(Mutation::kind).toList() + " at " + where
                    + (insideSnsMessage ? " inside the SNS message" : "");
        }

        /** The mutated event, as the function receives it. */
        public byte[] bytes() {
            return bytes(event -> {
            });
        }

        /** As {@link #bytes()}, the sample first changed by {@code edit}, which a mutation may then undo. */
        public byte[] bytes(Consumer<ObjectNode> edit) {
            ObjectNode event = EventSamples.tree(file);
            edit.accept(event);
            if (insideSnsMessage && event.at("/Records/0/Sns") instanceof ObjectNode sns && sns.has(SNS_MESSAGE)) {
                ObjectNode message = (ObjectNode) read(sns.get(SNS_MESSAGE).asText());
                applyAll(message);
                sns.put(SNS_MESSAGE, message.toString());
            } else {
                applyAll(event);
            }
            return EventSamples.serialize(event);
        }

        private void applyAll(ObjectNode root) {
            for (int i = 0; i < mutations.size(); i++) {
                List<JsonPointerToField> fields = fields(root);
                if (!fields.isEmpty()) {
                    JsonNode replacement = mutations.get(i).replacement();
                    // A copy: the same generated node must never end up inside itself.
                    fields.get(where.get(i) % fields.size()).apply(replacement == null ? null : replacement.deepCopy());
                }
            }
        }
    }

    private EventMutations() {
    }

    /** The try of this seed, on any sample. */
    public static Mutated of(long seed) {
        return mutated(new Random(seed), EventSamples.catalog());
    }

    /** The try of this seed, on a sample of {@code function} (as the catalog names it: drift, images, refreshes, alarms). */
    public static Mutated of(long seed, String function) {
        List<EventSamples.Entry> samples = EventSamples.catalog().stream().filter(entry -> entry.function().equals(function)).toList();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no sample of function " + function);
        }
        return mutated(new Random(seed), samples);
    }

    private static Mutated mutated(Random random, List<EventSamples.Entry> samples) {
        int count = 1 + random.nextInt(3);
        List<Mutation> mutations = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mutations.add(mutation(random));
            where.add(random.nextInt(10_001));
        }
        EventSamples.Entry sample = samples.get(random.nextInt(samples.size()));
        return new Mutated(sample.file(), sample.function(), mutations, where, random.nextBoolean());
    }

    private static final List<Mutation> FIXED_MUTATIONS = List.of(
            new Mutation("missing", null),
            new Mutation("null", NODES.nullNode()),
            new Mutation("true", NODES.booleanNode(true)),
            new Mutation("empty array", NODES.arrayNode()),
            new Mutation("empty object", NODES.objectNode()),
            new Mutation("blank", NODES.textNode("  ")),
            new Mutation("long max", NODES.numberNode(Long.MAX_VALUE)),
            new Mutation("long min", NODES.numberNode(Long.MIN_VALUE)),
            new Mutation("2^64", NODES.numberNode(BigInteger.TWO.pow(64))),
            new Mutation("thousand digits", NODES.numberNode(new BigInteger("9".repeat(1000)))),
            new Mutation("1e400", NODES.numberNode(new BigDecimal("1e400"))),
            new Mutation("-1", NODES.numberNode(-1)),
            new Mutation("digits as text", NODES.textNode("99999999999999999999")),
            new Mutation("year +999999999", NODES.textNode("+999999999-12-31T23:59:59Z")),
            new Mutation("year -999999999", NODES.textNode("-999999999-01-01T00:00:00Z")),
            new Mutation("year 0", NODES.textNode("0000-01-01T00:00:00Z")),
            new Mutation("ARN with ../", NODES.textNode(
                    "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3/../../x")),
            new Mutation("ARN with junk", NODES.textNode(
                    "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3junk")),
            new Mutation("ARN with extra segment", NODES.textNode(
                    "arn:aws:imagebuilder:us-east-1:123456789012:image/app-golden/1.4.0/3/4")),
            new Mutation("array of 10,000 strings", tenThousandStrings()),
            new Mutation("control characters", NODES.textNode("a\u0000b\nc\u001b[31m")));

    private static final char[] HUGE_STRING_CHARACTERS = {'a', '0', 'f', 'é', '\u0000', '/', ':'};

    /** Half of the mutations are huge strings, the other half one of the fixed ones. */
    private static Mutation mutation(Random random) {
        if (random.nextBoolean()) {
            char character = HUGE_STRING_CHARACTERS[random.nextInt(HUGE_STRING_CHARACTERS.length)];
            int length = 1_000 + random.nextInt(149_001);
            return new Mutation("string of " + length, NODES.textNode(String.valueOf(character).repeat(length)));
        }
        return FIXED_MUTATIONS.get(random.nextInt(FIXED_MUTATIONS.size()));
    }

    private static ArrayNode tenThousandStrings() {
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < 10_000; i++) {
            array.add("s" + i);
        }
        return array;
    }

    /** One place in the tree that a mutation can change or remove: a field of an object or an element of an array. */
    private record JsonPointerToField(JsonNode parent, String name, int index) {
        void apply(JsonNode replacement) {
            if (parent instanceof ObjectNode object) {
                if (replacement == null) {
                    object.remove(name);
                } else {
                    object.set(name, replacement);
                }
            } else if (parent instanceof ArrayNode array) {
                if (replacement == null) {
                    array.remove(index);
                } else {
                    array.set(index, replacement);
                }
            }
        }
    }

    private static List<JsonPointerToField> fields(JsonNode root) {
        List<JsonPointerToField> fields = new ArrayList<>();
        collect(root, fields);
        return fields;
    }

    private static void collect(JsonNode node, List<JsonPointerToField> fields) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                fields.add(new JsonPointerToField(object, name, -1));
                collect(object.get(name), fields);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                fields.add(new JsonPointerToField(array, null, i));
                collect(array.get(i), fields);
            }
        }
    }

    private static JsonNode read(String json) {
        try {
            return EventSamples.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
