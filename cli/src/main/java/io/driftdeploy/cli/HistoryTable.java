package io.driftdeploy.cli;

import io.driftdeploy.cli.aws.AuditRecord;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/**
 * Audit records as a table of fixed columns, one line each: a cell too long for its column ends in
 * an ellipsis, so every line has the same shape and the columns stay aligned.
 */
final class HistoryTable {

    private record Column(String title, int width, Function<AuditRecord, String> cell) {
    }

    private static final String GAP = "  ";
    private static final String ELLIPSIS = "\u2026";

    private static final List<Column> COLUMNS = List.of(
            new Column("WHEN", 20, record -> record.at().truncatedTo(ChronoUnit.SECONDS).toString()),
            new Column("FUNCTION", 9, AuditRecord::function),
            new Column("SUBJECT", 21, AuditRecord::subject),
            new Column("DECISION", 9, AuditRecord::decision),
            new Column("REASON", 26, AuditRecord::reason),
            new Column("ACTIONS", 56, record -> record.actions().isEmpty() ? "-" : String.join("; ", record.actions())),
            new Column("EVENT ID", 36, AuditRecord::eventId));

    private HistoryTable() {
    }

    /** The header and one line per record, in the order given. */
    static String render(List<AuditRecord> records) {
        StringBuilder table = new StringBuilder(line(COLUMNS.stream().map(Column::title).toList()));
        for (AuditRecord record : records) {
            table.append(line(COLUMNS.stream().map(column -> fit(column.cell().apply(record), column.width())).toList()));
        }
        return table.toString();
    }

    private static String line(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            boolean last = i == cells.size() - 1;
            line.append(last ? cells.get(i) : pad(cells.get(i), COLUMNS.get(i).width()) + GAP);
        }
        return line.toString().stripTrailing() + System.lineSeparator();
    }

    /** The text on one line, cut to {@code width} characters with an ellipsis when longer. */
    static String fit(String text, int width) {
        String oneLine = text.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - ELLIPSIS.length()) + ELLIPSIS;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
