package io.driftdeploy.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** Reads parts of a synthesized template as plain maps and lists, for comparing one template's parts with another's. */
final class TemplateParts {

    private TemplateParts() {
    }

    /** The properties of every resource of {@code type}, by logical id. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> properties(Template template, String type) {
        Map<String, Map<String, Object>> properties = new java.util.TreeMap<>();
        template.findResources(type).forEach((logicalId, resource) ->
                properties.put(logicalId, (Map<String, Object>) ((Map<String, Object>) resource).get("Properties")));
        return properties;
    }

    /** The statements of the identity policies attached to the role whose logical id starts with {@code rolePrefix}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statementsOfRole(Template template, String rolePrefix) {
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Map<String, Object> policy : properties(template, "AWS::IAM::Policy").values()) {
            List<Map<String, Object>> roles = (List<Map<String, Object>>) policy.get("Roles");
            if (roles.stream().anyMatch(role -> role.get("Ref").toString().startsWith(rolePrefix))) {
                statements.addAll((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement"));
            }
        }
        return statements;
    }

    /** A statement's actions, whether it names one or several. */
    @SuppressWarnings("unchecked")
    static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }
}
