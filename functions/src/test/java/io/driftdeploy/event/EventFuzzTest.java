package io.driftdeploy.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample in {@code events/}, mutated at random by {@link EventMutations}, parses into a valid
 * record whose every field is bounded, or is an {@link InvalidEventException} naming a field: never
 * any other exception. Each try is its own seed, so a failure names the seed that reproduces it.
 */
class EventFuzzTest {

    /** Sum of the longest values a record can hold (a rule, a reason, 30 dimensions, ids): far below this. */
    private static final int MAX_RECORD_LENGTH = 100_000;

    private static final int TRIES = 1000;

    static Stream<EventMutations.Mutated> mutatedSamples() {
        return IntStream.range(0, TRIES).mapToObj(EventMutations::of);
    }

    @ParameterizedTest(name = "try {index}: {0}")
    @MethodSource("mutatedSamples")
    void parsingGivesABoundedRecordOrAnErrorNamingAField(EventMutations.Mutated mutated) {
        byte[] event = mutated.bytes();
        Object parsed;
        try {
            parsed = EventSamples.parserOf(mutated.function()).apply(event);
        } catch (InvalidEventException rejected) {
            assertThat(rejected.field()).isNotBlank().hasSizeLessThanOrEqualTo(300);
            assertThat(rejected.problem()).isNotBlank().hasSizeLessThanOrEqualTo(1100);
            return;
        } catch (RuntimeException other) {
            throw new AssertionError("not an InvalidEventException for " + mutated, other);
        }
        assertThat(parsed).isNotNull();
        assertThat(parsed.toString()).hasSizeLessThan(MAX_RECORD_LENGTH);
        assertBounded(parsed);
    }

    /** Every text of a parsed record is within the bound of all text, every time within the accepted range. */
    private static void assertBounded(Object value) {
        if (value instanceof Optional<?> optional) {
            optional.ifPresent(EventFuzzTest::assertBounded);
        } else if (value instanceof String text) {
            assertThat(text).hasSizeLessThanOrEqualTo(FieldLimits.ANY_TEXT_LENGTH);
        } else if (value instanceof Instant instant) {
            assertThat(instant).isBetween(FieldLimits.EARLIEST, FieldLimits.LATEST);
            assertThat(instant.toEpochMilli()).as("no overflow").isPositive();
        } else if (value instanceof Map<?, ?> map) {
            assertThat(map).hasSizeLessThanOrEqualTo(FieldLimits.MAX_DIMENSIONS);
            map.forEach((key, element) -> {
                assertBounded(key);
                assertBounded(element);
            });
        } else if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                try {
                    assertBounded(component.getAccessor().invoke(record));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("cannot read " + component, e);
                }
            }
        }
    }
}
