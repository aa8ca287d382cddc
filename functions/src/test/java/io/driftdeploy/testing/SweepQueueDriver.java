package io.driftdeploy.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.driftdeploy.handler.SweepHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Plays Lambda's SQS event source mapping on the emulator, which runs no Java functions: workers
 * receive batches of up to a hundred messages from the sweep queue (ten a receive, as many receives
 * as the queue answers), hand each batch to a sweep handler
 * as the SQS event Lambda would deliver, delete what the handler did not name in its partial batch
 * response, and make what it named visible again at once (as the visibility timeout would, later).
 * Each worker has its own handler, as each concurrent invocation has its own function instance.
 * Only the handler's AWS calls are counted ({@link AwsCalls.Recording}); the mapping's own
 * receives and deletes are Lambda's, not the function's.
 */
public final class SweepQueueDriver {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** SQS's largest receive. */
    private static final int RECEIVE = 10;
    /** The batch size the stack gives the mapping (infra-cdk's SweepQueue), gathered from several receives as Lambda does. */
    private static final int BATCH = 100;
    private static final Duration INVOCATION = Duration.ofSeconds(120);

    /**
     * What draining the queue took.
     *
     * @param redelivered messages a handler handed back, made visible again at once
     * @param copies      receipts of a message received before and not handed back: the queue delivered it again
     * @param resent      messages with the body of an earlier, other message: sent twice
     */
    public record Drained(int batches, int messages, int redelivered, int copies, int resent, Duration wallTime,
                          AwsCalls.Recording calls) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;

    public SweepQueueDriver(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A queue of the environment's own, as the stack's is: messages out of sight for a while once received. */
    public static String createQueue(TestEnvironment env, String name) {
        return env.aws.sqs().createQueue(r -> r.queueName(env.prefix + "-" + name)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "300"))).queueUrl();
    }

    /** Puts the schedule's message on the queue. */
    public void start(String sweepId) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"sweep\":\"start\",\"sweepId\":\"" + sweepId + "\"}"));
    }

    /**
     * Hands batches to {@code workers} concurrent handlers until the queue is empty and no handler
     * is busy; a message a handler names in its response is made visible again at once and counted.
     */
    public Drained drain(int workers, Supplier<SweepHandler> handlers) throws Exception {
        AwsCalls.Recording calls = new AwsCalls.Recording();
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger messages = new AtomicInteger();
        AtomicInteger redelivered = new AtomicInteger();
        Set<String> receivedIds = ConcurrentHashMap.newKeySet();
        Set<String> handedBack = ConcurrentHashMap.newKeySet();
        Map<String, String> idsByBody = new ConcurrentHashMap<>();
        AtomicInteger copies = new AtomicInteger();
        AtomicInteger resent = new AtomicInteger();
        AtomicLong idleSince = new AtomicLong(System.nanoTime());
        Set<Integer> busy = Collections.synchronizedSet(new HashSet<>());
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                SweepHandler handler = handlers.get();
                running.add(pool.submit(() -> {
                    while (true) {
                        List<Message> received = batch();
                        if (received.isEmpty()) {
                            busy.remove(worker);
                            // Empty for everyone, with nobody busy who could still send more: drained.
                            if (busy.isEmpty() && System.nanoTime() - idleSince.get() > Duration.ofMillis(500).toNanos()) {
                                return null;
                            }
                            Thread.sleep(20);
                            continue;
                        }
                        busy.add(worker);
                        batches.incrementAndGet();
                        messages.addAndGet(received.size());
                        for (Message message : received) {
                            if (!receivedIds.add(message.messageId()) && !handedBack.remove(message.messageId())) {
                                copies.incrementAndGet();
                            }
                            if (!idsByBody.computeIfAbsent(message.body(), body -> message.messageId()).equals(message.messageId())) {
                                resent.incrementAndGet();
                            }
                        }
                        List<String> again = calls.run(() -> handler.handle(event(received), Instant.now().plus(INVOCATION)));
                        for (Message message : received) {
                            if (again.contains(message.messageId())) {
                                redelivered.incrementAndGet();
                                handedBack.add(message.messageId());
                                sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                                        .visibilityTimeout(0));
                            } else {
                                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                            }
                        }
                        idleSince.set(System.nanoTime());
                    }
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Drained(batches.get(), messages.get(), redelivered.get(), copies.get(), resent.get(), Duration.ofNanos(System.nanoTime() - started), calls);
    }

    /** Up to {@link #BATCH} messages, received {@link #RECEIVE} at a time until the queue has no more to give now. */
    private List<Message> batch() {
        List<Message> batch = new ArrayList<>();
        while (batch.size() < BATCH) {
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(RECEIVE, BATCH - batch.size()))).messages();
            if (received.isEmpty()) {
                break;
            }
            batch.addAll(received);
        }
        return batch;
    }

    /** The SQS event Lambda delivers for these messages ("Using Lambda with Amazon SQS", example event). */
    public byte[] event(List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            records.addObject()
                    .put("messageId", message.messageId())
                    .put("receiptHandle", message.receiptHandle())
                    .put("body", message.body())
                    .put("eventSource", "aws:sqs")
                    .put("eventSourceARN", queueArn)
                    .put("awsRegion", queueArn.split(":")[3]);
        }
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}
