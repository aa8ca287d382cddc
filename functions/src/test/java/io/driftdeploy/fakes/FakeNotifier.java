package io.driftdeploy.fakes;

import io.driftdeploy.aws.Notifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Keeps what is published, in order; fails every publish while {@link #failWith} is set. */
public final class FakeNotifier implements Notifier {

    private final List<Rendered> published = new ArrayList<>();
    private Optional<RuntimeException> failure = Optional.empty();

    @Override
    public String publish(Rendered message) {
        failure.ifPresent(failing -> {
            throw failing;
        });
        published.add(message);
        return "message-" + published.size();
    }

    public void failWith(RuntimeException failing) {
        failure = Optional.of(failing);
    }

    public void deliver() {
        failure = Optional.empty();
    }

    public List<Rendered> published() {
        return List.copyOf(published);
    }

    /** The published messages whose attribute {@code name} is {@code value}, e.g. action = terminate. */
    public List<Rendered> withAttribute(String name, String value) {
        return published.stream().filter(message -> value.equals(message.attributes().get(name))).toList();
    }
}
