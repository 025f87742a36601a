/** The dashboard's entry: one query cache, the router, and the page styles. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";

import { getReadiness } from "./api.js";
import { queryClient } from "./queries.js";
import { router } from "./router.js";
import "./styles.css";

// Every page shows the indexer's progress: ask for it while the page's own code loads.
void queryClient.prefetchQuery({ queryKey: ["ready"], queryFn: getReadiness });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
