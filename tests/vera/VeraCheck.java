import java.io.File;
import java.util.*;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.*;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.*;
import org.verapdf.pdfa.validation.profiles.*;

/** veraPDF's validation engine over many files in one JVM.
 *  Usage: VeraCheck FLAVOUR[,FLAVOUR...] FILE...  (flavours: ua1, 2u, 2a, ...)
 *  Prints one "FILE path flavour=... compliant=..." line per file and flavour, then the failed
 *  rules under it. Exit status 0 when every file complies with every flavour. */
public class VeraCheck {
  public static void main(String[] args) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    int fails = 0;
    for (String name : args[0].split(",")) {
      PDFAFlavour fl = PDFAFlavour.fromString(name);
      for (int i = 1; i < args.length; i++) {
        File f = new File(args[i]);
        try (PDFAParser parser = Foundries.defaultInstance().createParser(f, fl)) {
          PDFAValidator v = Foundries.defaultInstance().createValidator(fl, 20, false, true, false);
          ValidationResult r = v.validate(parser);
          ValidationProfile prof = r.getValidationProfile();
          System.out.println("FILE " + args[i] + " flavour=" + name + " compliant=" + r.isCompliant()
              + " assertions=" + r.getTotalAssertions());
          if (!r.isCompliant()) fails++;
          Map<String, List<TestAssertion>> byRule = new TreeMap<>();
          for (TestAssertion a : r.getTestAssertions()) {
            if (a.getStatus() != TestAssertion.Status.FAILED) continue;
            RuleId id = a.getRuleId();
            byRule.computeIfAbsent(id.getClause() + "-" + id.getTestNumber(), k -> new ArrayList<>()).add(a);
          }
          for (Map.Entry<RuleId, Integer> e : r.getFailedChecks().entrySet()) {
            RuleId id = e.getKey();
            Rule rule = prof.getRuleByRuleId(id);
            String key = id.getClause() + "-" + id.getTestNumber();
            System.out.println("  RULE " + id.getSpecification() + " " + key + " failed=" + e.getValue()
                + " :: " + (rule != null ? rule.getDescription() : "?"));
            List<TestAssertion> as = byRule.getOrDefault(key, List.of());
            for (int j = 0; j < Math.min(3, as.size()); j++) {
              TestAssertion a = as.get(j);
              System.out.println("     at " + a.getLocation().getContext()
                  + (a.getErrorMessage() != null ? " | " + a.getErrorMessage() : ""));
            }
          }
        } catch (Exception ex) {
          System.out.println("FILE " + args[i] + " flavour=" + name + " compliant=false ERROR " + ex);
          fails++;
        }
      }
    }
    System.exit(fails == 0 ? 0 : 1);
  }
}
