// The processes of a run as the summary lists them, read from the segment
// at the end of the run: the processes that ended in a slot another process
// then took (the ended-processes table, in the order they ended), then each
// slot's last process (an opened load's unused slots left out). Each process
// has its own counts; those the table had no room for are counted in the
// totals only (their loop figures are lost but for their callback errors'
// count: no entry holds them). Reader process, once the run is over.
#ifndef PYLOGEN_READER_PROCESS_LIST_H_
#define PYLOGEN_READER_PROCESS_LIST_H_

#include <cstdint>
#include <vector>

#include "output/run_summary.h"
#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::reader {

struct ProcessList {
  std::vector<output::WorkerSummary> listed;
  // Processes counted in the totals only, and their counts.
  std::uint64_t unlisted = 0;
  std::uint64_t unlisted_operations = 0;
  std::uint64_t unlisted_empty_operations = 0;
  std::uint64_t unlisted_wait_ns = 0;
  std::uint64_t unlisted_waits = 0;
  std::uint64_t unlisted_callback_errors = 0;
};

ProcessList ListProcesses(const plan::RunPlan& plan, const shm::Segment& segment);

// Operations run by every process of `load`, listed or not.
std::uint64_t OperationsOfLoad(const plan::LoadPlan& load, const shm::Segment& segment);

}  // namespace pylogen::reader

#endif  // PYLOGEN_READER_PROCESS_LIST_H_
