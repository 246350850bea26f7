#include "synth/generate.h"

namespace coopscope {

Status RunGenerate(const GenerateOptions&) {
  return Status(ErrorCode::kInvalidArgument, "generate: not built yet");
}

}  // namespace coopscope
