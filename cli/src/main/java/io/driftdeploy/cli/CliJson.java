package io.driftdeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The CLI's one JSON mapper, created when a command first reads or writes JSON. picocli builds
 * every subcommand to parse any command line, so a mapper in each command's static fields made
 * even {@code --version} load Jackson's databind (375 classes of the 1,947 it loaded).
 */
final class CliJson {

    private CliJson() {
    }

    static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    /** Initialised on the first {@link #mapper()} call, by the JVM's class initialisation, once. */
    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
