package lottery.protocol.message;

import java.time.LocalDate;

/**
 * One person's bet. The agency is not part of it: the server knows it from the connection's {@link Hello}.
 *
 * @param firstName 1..255 bytes of UTF-8, no control characters
 * @param lastName  1..255 bytes of UTF-8, no control characters
 * @param document  the national id, 1..20 ASCII digits
 * @param birthdate a date of years 1..9999
 * @param number    the number bet on, 0..9999
 */
public record Bet(String firstName, String lastName, String document, LocalDate birthdate, int number)
        implements LotteryMessage {

    public Bet {
        Limits.checkText("first name", firstName, false);
        Limits.checkText("last name", lastName, false);
        checkDocument(document);
        if (birthdate == null) {
            throw new IllegalArgumentException("birthdate is missing");
        }
        if (birthdate.getYear() < 1 || birthdate.getYear() > 9999) {
            throw new IllegalArgumentException("birthdate " + birthdate + " is not in years 1..9999");
        }
        if (number < 0 || number > Limits.MAX_NUMBER) {
            throw new IllegalArgumentException("number " + number + " is not in 0.." + Limits.MAX_NUMBER);
        }
    }

    /** Checks that {@code document} is 1..20 ASCII digits. */
    public static String checkDocument(String document) {
        if (document == null || document.isEmpty()) {
            throw new IllegalArgumentException("document is empty");
        }
        if (document.length() > Limits.MAX_DOCUMENT_DIGITS) {
            throw new IllegalArgumentException("document has more than " + Limits.MAX_DOCUMENT_DIGITS + " digits");
        }
        for (int i = 0; i < document.length(); i++) {
            char c = document.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("document '" + document + "' is not all digits");
            }
        }
        return document;
    }

    @Override
    public MessageType type() {
        return MessageType.BET;
    }
}
