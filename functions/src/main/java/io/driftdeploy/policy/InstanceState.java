package io.driftdeploy.policy;

/** EC2 instance states, as far as the drift rules care about them. */
public enum InstanceState {
    PENDING, RUNNING, STOPPING, STOPPED, SHUTTING_DOWN, TERMINATED;

    /** Only a pending or running instance is worth replacing; a stopped one is nobody's drift. */
    public boolean isLive() {
        return this == PENDING || this == RUNNING;
    }

    /** On its way out or out already: there is nothing left to remediate. */
    public boolean isGone() {
        return this == SHUTTING_DOWN || this == TERMINATED;
    }
}
