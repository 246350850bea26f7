#include "app/keyfigures_output.h"

#include <fmt/format.h>

#include "app/output.h"

namespace coopscope::keyfigures {

std::string RenderMarkdown(const Sheet& sheet) {
  const bool fr = sheet.lang == Lang::kFr;
  std::string out = fmt::format("# {}\n\n", sheet.title);
  for (const Section& s : sheet.sections) {
    out += fmt::format("## {}\n\n", s.title);
    for (const Figure& f : s.figures) {
      out += fmt::format("- **{}** : {}\n", f.label, f.value);
      if (!fr) out.replace(out.rfind("** : "), 5, "**: ");
      if (!f.source.empty()) out += fmt::format("  - {} {}\n", fr ? "Source :" : "Source:", f.source);
      if (!f.method.empty()) out += fmt::format("  - {} {}\n", fr ? "Méthode :" : "Method:", f.method);
    }
    out += "\n";
  }
  out += fr ? fmt::format("Les effectifs de personnes inférieurs à {} sont affichés « <{} » pour protéger les données "
                          "personnelles. Produit par coopscope.\n",
                          sheet.min_cell, sheet.min_cell)
            : fmt::format("Counts of people under {} are shown as \"<{}\" to protect personal data. Produced by "
                          "coopscope.\n",
                          sheet.min_cell, sheet.min_cell);
  return out;
}

std::string RenderJson(const Sheet& sheet) {
  std::string out = fmt::format(
      "{{\"schema\":\"coopscope/keyfigures\",\"version\":1,\"organisation\":{},\"year\":{},\"lang\":\"{}\","
      "\"min_cell\":{},\"title\":{},\"sections\":[",
      JsonString(sheet.org_name), sheet.year, sheet.lang == Lang::kFr ? "fr" : "en", sheet.min_cell,
      JsonString(sheet.title));
  for (size_t i = 0; i < sheet.sections.size(); ++i) {
    const Section& s = sheet.sections[i];
    out += fmt::format("{}{{\"id\":{},\"title\":{},\"figures\":[", i ? "," : "", JsonString(s.id), JsonString(s.title));
    for (size_t j = 0; j < s.figures.size(); ++j) {
      const Figure& f = s.figures[j];
      out += fmt::format(
          "{}{{\"id\":{},\"label\":{},\"value\":{},\"number\":{},\"suppressed\":{},\"available\":{},\"source\":{},"
          "\"method\":{}}}",
          j ? "," : "", JsonString(f.id), JsonString(f.label), JsonString(f.value),
          f.number ? fmt::format("{}", *f.number) : "null", f.suppressed, f.available, JsonString(f.source),
          JsonString(f.method));
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

}  // namespace coopscope::keyfigures
