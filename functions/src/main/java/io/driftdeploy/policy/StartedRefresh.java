package io.driftdeploy.policy;

import java.util.Objects;

/**
 * An instance refresh drift-deploy started, as the ledger remembers it: which image it rolls out
 * where. The refreshes function reads it to know which image to mark bad when the refresh fails.
 */
public record StartedRefresh(String refreshId, String group, String imageId, String app, String launchTemplateId,
                             long launchTemplateVersion) {
    public StartedRefresh {
        Objects.requireNonNull(refreshId, "refreshId");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(launchTemplateId, "launchTemplateId");
    }
}
