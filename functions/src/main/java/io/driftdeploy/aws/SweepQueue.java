package io.driftdeploy.aws;

import io.driftdeploy.event.SweepMessage;
import java.util.List;

/**
 * The scheduled sweep's queue, onto which each listing step puts the work it found
 * ({@link SqsSweepQueue}). Sending a message twice is harmless: every evaluation is claimed by its
 * event id, and every listing step by its page.
 */
public interface SweepQueue {

    /** Puts every message on the queue, or throws: then some may have been sent, and sending all again is safe. */
    void send(List<? extends SweepMessage> messages);
}
