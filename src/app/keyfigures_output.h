// Writers of the key-figures sheet (keyfigures/sheet.h): Markdown and JSON.
#pragma once

#include <string>

#include "keyfigures/sheet.h"

namespace coopscope::keyfigures {

// Markdown: a title, one list per section, each figure with its source and method.
std::string RenderMarkdown(const Sheet& sheet);
// JSON, schema "coopscope/keyfigures" version 1 (docs/output-schema.md).
std::string RenderJson(const Sheet& sheet);

}  // namespace coopscope::keyfigures
