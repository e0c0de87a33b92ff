// A machine-wide counter (the /proc/interrupts TLB row) read at both ends of every span counts what the
// whole machine did meanwhile: two spans of one stage kind that overlap would each count the overlap,
// and their sum could exceed the run's total. share_machine_counts gives each span of a kind its share
// instead: the machine's count in every interval between the kind's span boundaries goes in equal parts
// to the spans of that kind active in it. So the spans of a kind never sum to more than the machine
// counted between the kind's first start and last end; an interval no span of the kind covers is
// charged to none.
#pragma once

#include <vector>

#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

// Rewrites the last counter column of every span with finite machine_begin/machine_end (and a value in
// that column) to its share. Readings are made monotone in time first (the raw reading and its
// timestamp are not taken atomically).
void share_machine_counts(std::vector<StageSpan>& spans);

}  // namespace zkc::harness
