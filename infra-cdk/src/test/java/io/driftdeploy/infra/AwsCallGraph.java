package io.driftdeploy.infra;

import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.driftdeploy.aws.RequiresIam;
import io.driftdeploy.handler.DriftHandler;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The functions' code as a call graph (ArchUnit, from the functions' own classes: the shaded jar or
 * target/classes, whichever the test classpath holds), and the IAM actions a piece of it can need:
 * every AWS SDK client call it makes (the action named after the operation) and every
 * {@link RequiresIam} it reaches (which adds the actions AWS authorises implicitly).
 *
 * <p>Edges are method and constructor calls, method and constructor references ({@code this::target}),
 * and the static initializer of every class whose code is reached. Lambda bodies are part of the
 * method that defines them (ArchUnit attributes their calls to it). A call to an io.driftdeploy
 * method is followed to the method it names (or inherits) and to every override in a subclass, except
 * where the method's class is the root handler or one of its superclasses: those calls are the
 * handler calling itself (RolloutFunction.handle calling the abstract decide), so they go to the
 * implementation the root handler has, not to the other handlers'.
 */
final class AwsCallGraph {

    /** An SDK client of an AWS service, e.g. software.amazon.awssdk.services.ec2.Ec2Client. */
    private static final Pattern SDK_CLIENT = Pattern.compile("software\\.amazon\\.awssdk\\.services\\.([a-z0-9]+)\\.\\w+Client");
    /** Client methods that make no request: building, describing and closing the client. */
    private static final Set<String> NOT_REQUESTS = Set.of(
            "builder", "create", "serviceMetadata", "serviceName", "serviceClientConfiguration", "close", "waiter",
            "utilities");
    /** SDK package names whose IAM service prefix differs. */
    private static final Map<String, String> IAM_PREFIX = Map.of(
            "eventbridge", "events",
            "cloudwatchlogs", "logs",
            "elasticloadbalancingv2", "elasticloadbalancing",
            "sfn", "states");
    /** SDK operations whose IAM action is named otherwise (Service Authorization Reference). */
    private static final Map<String, String> IAM_ACTION = Map.of(
            "lambda:Invoke", "lambda:InvokeFunction",
            "lambda:InvokeAsync", "lambda:InvokeFunction",
            // TransactWriteItems is no IAM action: IAM authorises each action it holds as the underlying
            // call ("Using IAM with DynamoDB transactions", Amazon DynamoDB Developer Guide). The ledger's
            // transactions hold only conditional Updates; one with a Put, Delete or ConditionCheck would
            // need those actions too, and its @RequiresIam must name them.
            "dynamodb:TransactWriteItems", "dynamodb:UpdateItem",
            // "You cannot set permissions explicitly for SendMessageBatch": SendMessage's permission covers it
            // ("Amazon SQS batch actions", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html).
            "sqs:SendMessageBatch", "sqs:SendMessage");

    private static final String PACKAGE = "io.driftdeploy.";
    private static final String AWS_PACKAGE = "io.driftdeploy.aws";

    /** One IAM action a root needs, and the shortest call path from the root to the code that needs it. */
    record Need(String action, List<String> path) {
        String pathText() {
            return String.join(" -> ", path);
        }
    }

    private final JavaClasses classes;

    private AwsCallGraph(JavaClasses classes) {
        this.classes = classes;
    }

    /** The functions' main classes (io.driftdeploy, from the jar or directory DriftHandler was loaded from). */
    static AwsCallGraph ofFunctions() {
        String codeSource;
        try {
            codeSource = Path.of(DriftHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        JavaClasses imported = new ClassFileImporter()
                .withImportOption(location -> location.contains(codeSource.replace('\\', '/'))
                        && location.contains("/io/driftdeploy/"))
                .importPackages("io.driftdeploy");
        if (!imported.contain(DriftHandler.class.getName())) {
            throw new IllegalStateException("no functions classes imported from " + codeSource);
        }
        return new AwsCallGraph(imported);
    }

    JavaClasses classes() {
        return classes;
    }

    /** The classes of the aws package (the adapters). */
    List<JavaClass> adapters() {
        return classes.stream()
                .filter(javaClass -> javaClass.getPackageName().equals(AWS_PACKAGE))
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .toList();
    }

    /**
     * What a Lambda function built from this handler can need: reached from its public no-argument
     * constructor (Lambda's init) and its handleRequest, keyed by action (the first path found,
     * breadth first, so the shortest).
     */
    Map<String, Need> needsOfHandler(String handlerClassName) {
        return walkHandler(handlerClassName).needs();
    }

    /** The code a handler can reach, as {@code Class.method} (nested classes as {@code Outer$Inner}). */
    Set<String> reachableFromHandler(String handlerClassName) {
        return walkHandler(handlerClassName).reached();
    }

    private record Walk(Map<String, Need> needs, Set<String> reached) {
    }

    private Walk walkHandler(String handlerClassName) {
        JavaClass root = classes.get(handlerClassName);
        List<JavaCodeUnit> roots = new ArrayList<>();
        root.getConstructors().stream()
                .filter(constructor -> constructor.getRawParameterTypes().isEmpty())
                .forEach(roots::add);
        roots.addAll(implementations(root, "handleRequest", null));
        if (roots.size() < 2) {
            throw new IllegalStateException(handlerClassName + " has no public no-argument constructor and handleRequest");
        }
        return walk(roots, root, false);
    }

    /**
     * The actions the SDK calls of one method need, following only calls that stay within its own
     * class (private helpers, lambdas, other methods of the class), as its annotation must declare.
     */
    Map<String, Need> sdkNeedsWithinClass(JavaCodeUnit method) {
        return walk(List.of(method), null, true).needs();
    }

    /** Whether the method itself, or code of its class it reaches, calls an AWS SDK client. */
    boolean callsSdk(JavaCodeUnit method) {
        return !sdkNeedsWithinClass(method).isEmpty();
    }

    static Optional<List<String>> declared(JavaCodeUnit codeUnit) {
        return codeUnit.isAnnotatedWith(RequiresIam.class)
                ? Optional.of(List.of(codeUnit.getAnnotationOfType(RequiresIam.class).value()))
                : Optional.empty();
    }

    /** The IAM action of an SDK client operation, or empty when the call is not an AWS request. */
    static Optional<String> sdkAction(CodeUnitAccessTarget target) {
        Matcher client = SDK_CLIENT.matcher(target.getOwner().getName());
        if (!client.matches() || NOT_REQUESTS.contains(target.getName()) || target.getName().startsWith("<")) {
            return Optional.empty();
        }
        String operation = target.getName().endsWith("Paginator")
                ? target.getName().substring(0, target.getName().length() - "Paginator".length())
                : target.getName();
        String action = IAM_PREFIX.getOrDefault(client.group(1), client.group(1)) + ":"
                + operation.substring(0, 1).toUpperCase(Locale.ROOT) + operation.substring(1);
        return Optional.of(IAM_ACTION.getOrDefault(action, action));
    }

    /**
     * Breadth first from the roots. {@code withinClass}: only the roots' own class (and its nested
     * classes), and only SDK calls count (the annotation being checked is not evidence of itself).
     */
    private Walk walk(List<JavaCodeUnit> roots, JavaClass rootHandler, boolean withinClass) {
        Map<JavaCodeUnit, JavaCodeUnit> parent = new LinkedHashMap<>();
        Deque<JavaCodeUnit> queue = new ArrayDeque<>();
        Set<JavaClass> initialised = new LinkedHashSet<>();
        for (JavaCodeUnit root : roots) {
            parent.put(root, null);
            queue.add(root);
        }
        Map<String, Need> needs = new TreeMap<>();
        JavaClass home = roots.getFirst().getOwner();
        while (!queue.isEmpty()) {
            JavaCodeUnit current = queue.removeFirst();
            if (!withinClass) {
                declared(current).ifPresent(actions -> actions.forEach(action ->
                        needs.putIfAbsent(action, new Need(action, path(parent, current, "@RequiresIam")))));
            }
            List<JavaCodeUnit> next = new ArrayList<>();
            for (JavaAccess<?> access : edges(current)) {
                CodeUnitAccessTarget target = (CodeUnitAccessTarget) access.getTarget();
                Optional<String> sdk = sdkAction(target);
                if (sdk.isPresent()) {
                    needs.putIfAbsent(sdk.get(), new Need(sdk.get(), path(parent, current,
                            "[SDK " + target.getOwner().getSimpleName() + "." + target.getName() + " line "
                                    + access.getLineNumber() + "]")));
                    continue;
                }
                JavaClass owner = target.getOwner();
                if (!owner.getName().startsWith(PACKAGE) || !classes.contain(owner.getName())) {
                    continue;
                }
                owner = classes.get(owner.getName());
                if (withinClass && !sameClass(home, owner)) {
                    continue;
                }
                if (initialised.add(owner)) {
                    owner.getStaticInitializer().ifPresent(next::add);
                }
                // Within a class, a call to one of its own abstract methods (a port's default method
                // calling the port) does not go on into the implementations: they are other classes.
                resolve(target, owner, rootHandler).stream()
                        .filter(callee -> !withinClass || sameClass(home, callee.getOwner()))
                        .forEach(next::add);
            }
            for (JavaCodeUnit callee : next) {
                if (!parent.containsKey(callee)) {
                    parent.put(callee, current);
                    queue.addLast(callee);
                }
            }
        }
        Set<String> reached = new TreeSet<>();
        parent.keySet().forEach(codeUnit -> reached.add(describe(codeUnit)));
        return new Walk(needs, reached);
    }

    private static Set<JavaAccess<?>> edges(JavaCodeUnit codeUnit) {
        Set<JavaAccess<?>> edges = new LinkedHashSet<>(codeUnit.getCallsFromSelf());
        edges.addAll(codeUnit.getCodeUnitReferencesFromSelf());
        return edges;
    }

    private static boolean sameClass(JavaClass home, JavaClass owner) {
        return owner.equals(home) || owner.getName().startsWith(home.getName() + "$");
    }

    /** The code a call can run: see the class comment. */
    private Set<JavaCodeUnit> resolve(CodeUnitAccessTarget target, JavaClass owner, JavaClass rootHandler) {
        List<String> parameters = target.getRawParameterTypes().stream().map(JavaClass::getName).toList();
        if (target.getName().equals("<init>")) {
            return owner.getConstructors().stream()
                    .filter(constructor -> names(constructor).equals(parameters))
                    .collect(LinkedHashSet::new, Set::add, Set::addAll);
        }
        if (rootHandler != null && rootHandler.isAssignableTo(owner.getName())) {
            return new LinkedHashSet<>(implementations(rootHandler, target.getName(), parameters));
        }
        Optional<? extends JavaCodeUnit> member = target.resolveMember();
        Set<JavaCodeUnit> resolved = new LinkedHashSet<>();
        member.filter(found -> classes.contain(found.getOwner().getName())).ifPresent(resolved::add);
        for (JavaClass subclass : owner.getAllSubclasses()) {
            if (classes.contain(subclass.getName())) {
                resolved.addAll(declaredMatching(subclass, target.getName(), parameters));
            }
        }
        // Nothing found: the method is declared outside io.driftdeploy (Enum.name, Object.toString,
        // a JDK interface's default method), whose code is not followed.
        return resolved;
    }

    /**
     * The method a call on {@code start} runs: the nearest declaration going up its superclass chain
     * (by name and parameter types, or by name and count for a generic method overridden with a
     * narrower type; {@code parameters} null matches any).
     */
    private static List<JavaCodeUnit> implementations(JavaClass start, String name, List<String> parameters) {
        for (JavaClass current = start; current != null; current = current.getRawSuperclass().orElse(null)) {
            List<JavaCodeUnit> found = declaredMatching(current, name, parameters).stream()
                    .filter(method -> !method.getModifiers().contains(JavaModifier.ABSTRACT))
                    .toList();
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<JavaCodeUnit> declaredMatching(JavaClass javaClass, String name, List<String> parameters) {
        List<JavaCodeUnit> exact = javaClass.getMethods().stream()
                .filter(method -> method.getName().equals(name))
                .filter(method -> parameters == null || names(method).equals(parameters))
                .map(JavaCodeUnit.class::cast)
                .toList();
        if (!exact.isEmpty() || parameters == null) {
            return exact;
        }
        return javaClass.getMethods().stream()
                .filter(method -> method.getName().equals(name))
                .filter(method -> method.getRawParameterTypes().size() == parameters.size())
                .map(JavaCodeUnit.class::cast)
                .toList();
    }

    private static List<String> names(JavaCodeUnit codeUnit) {
        return codeUnit.getRawParameterTypes().stream().map(JavaClass::getName).toList();
    }

    private static List<String> path(Map<JavaCodeUnit, JavaCodeUnit> parent, JavaCodeUnit end, String last) {
        List<String> path = new ArrayList<>();
        path.add(last);
        for (JavaCodeUnit at = end; at != null; at = parent.get(at)) {
            path.add(describe(at));
        }
        Collections.reverse(path);
        return List.copyOf(path);
    }

    static String describe(JavaCodeUnit codeUnit) {
        String owner = codeUnit.getOwner().getName().substring(codeUnit.getOwner().getPackageName().length() + 1);
        return owner + "." + codeUnit.getName();
    }

    /** Every public method and constructor of a class, in a stable order. */
    static Stream<JavaCodeUnit> publicCodeUnits(JavaClass javaClass) {
        return javaClass.getCodeUnits().stream()
                .filter(codeUnit -> codeUnit.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(codeUnit -> !codeUnit.getName().equals("<clinit>"))
                .sorted((a, b) -> a.getFullName().compareTo(b.getFullName()));
    }

    static Set<String> sorted(Iterable<String> actions) {
        Set<String> sorted = new TreeSet<>();
        actions.forEach(sorted::add);
        return sorted;
    }
}
