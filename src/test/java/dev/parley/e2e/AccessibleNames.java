package dev.parley.e2e;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Finds controls the way a screen reader names them: by aria-label, label[for], a wrapping label or the
 * button's text, never by CSS classes or ids. A control that is not found fails with what a screen
 * reader would list instead.
 */
final class AccessibleNames {
    private AccessibleNames() {}

    /** A text input or textarea whose accessible name is {@code name}. */
    static WebElement textField(Browser browser, String name, Duration timeout) {
        String n = literal(name);
        String fields = "(self::input[not(@type) or @type='text' or @type='search' or @type='url' or @type='password'] or self::textarea)";
        String xpath = String.join(" | ",
            "//*[" + fields + "][@aria-label=" + n + "]",
            "//*[" + fields + "][@id = //label[normalize-space(.)=" + n + "]/@for]",
            "//label[normalize-space(.)=" + n + "]//*[" + fields + "]",
            "//*[" + fields + "][@aria-labelledby = //*[normalize-space(.)=" + n + "]/@id]",
            "//*[" + fields + "][not(@aria-label)][@placeholder=" + n + " or @title=" + n + "]");
        return visible(browser, timeout, By.xpath(xpath), "text field named \"" + name + "\"");
    }

    /** A button (element, input button or role=button) whose accessible name is {@code name}. */
    static WebElement button(Browser browser, String name, Duration timeout) {
        String n = literal(name);
        String named = "[@aria-label=" + n + " or (not(@aria-label) and normalize-space(.)=" + n + ")]";
        String xpath = String.join(" | ",
            "//button" + named,
            "//*[@role='button']" + named,
            "//input[@type='submit' or @type='button'][@aria-label=" + n + " or @value=" + n + "]");
        return visible(browser, timeout, By.xpath(xpath), "button named \"" + name + "\"");
    }

    /** A visible checkbox by its accessible name: aria-label, or the text of the label around it or naming it. */
    static WebElement checkbox(Browser browser, String name, Duration timeout) {
        String n = literal(name);
        String box = "input[@type='checkbox']";
        String xpath = String.join(" | ",
            "//" + box + "[@aria-label=" + n + "]",
            "//label[normalize-space(.)=" + n + "]//" + box,
            "//" + box + "[@id = //label[normalize-space(.)=" + n + "]/@for]");
        return visible(browser, timeout, By.xpath(xpath), "checkbox named \"" + name + "\"");
    }

    private static WebElement visible(Browser browser, Duration timeout, By by, String what) {
        WebElement[] found = new WebElement[1];
        try {
            new WebDriverWait(browser.driver(), timeout).ignoring(StaleElementReferenceException.class).until(d -> {
                for (WebElement e : d.findElements(by)) {
                    if (e.isDisplayed() && e.isEnabled()) {
                        found[0] = e;
                        return true;
                    }
                }
                return false;
            });
        } catch (TimeoutException e) {
            throw new AssertionError(browser.label() + ": no visible, enabled " + what + " on " + browser.driver().getCurrentUrl()
                + " within " + timeout.toSeconds() + " s. Named controls present: " + namedControls(browser)
                + "; page log: " + browser.pageLog(), e);
        }
        return found[0];
    }

    /** What a screen reader would list, to make "control not found" failures self-explanatory. */
    private static Object namedControls(Browser browser) {
        return browser.driver().executeScript("""
            return Array.from(document.querySelectorAll('button,input,textarea,a,[role],label')).map(e =>
              e.tagName.toLowerCase() + (e.getAttribute('role') ? '[role=' + e.getAttribute('role') + ']' : '')
              + ' "' + (e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent.trim())
                        || e.getAttribute('placeholder') || e.value || e.textContent.trim()).slice(0, 40) + '"');
            """);
    }

    /** XPath string literal for any text, including text containing both quote kinds. */
    static String literal(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        if (!s.contains("\"")) {
            return "\"" + s + "\"";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }
}
