package io.driftdeploy.policy;

import java.util.Objects;

/** Whether an announced image may be rolled out at all, before any group is looked at. */
public sealed interface ImageVerdict {

    /** The image passed every image rule; {@code app} is its application tag, which picks the targets. */
    record Approved(DescribedImage image, String app) implements ImageVerdict {
        public Approved {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(app, "app");
        }
    }

    /** The image failed the named rule; {@code detail} says how, for people. */
    record Rejected(RolloutReason reason, String detail) implements ImageVerdict {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
