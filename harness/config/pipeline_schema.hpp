// The schema of every key `zkcontend run` accepts: workload sizes (full-scale numbers and the scale
// factor), batch shape, synthesis, GPUs, interventions and engine behaviour. configs/README.md
// documents the same keys; a test keeps the two in step.
#pragma once

#include "harness/config/config_schema.hpp"

namespace zkc::config {

// Built once; the same object for every call.
const ConfigSchema& pipeline_schema();

}  // namespace zkc::config
